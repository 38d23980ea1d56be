import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetsDir } from '@app/testing';
import { Browser, chromium } from 'playwright-core';
import { Stack, startStack } from './support/stack';

const CHROMIUM = '/usr/bin/chromium';
const PHOTOS = join(datasetsDir(), 'misc', 'bbt-labelled');
const PEOPLE = ['penny', 'raj', 'sheldon'];
const PER_PERSON = 3;
const OUTPUT = resolve(__dirname, '..', 'test-output');

const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (run .ci/prepare-browser)`
  : !existsSync(PHOTOS)
    ? `${PHOTOS} is missing`
    : null;
if (missing) {
  console.warn(`Skipping the dashboard browser test: ${missing}`);
}
const describeIfBrowser = missing ? describe.skip : describe;

/** Runs in the page: every <img> under the selector has loaded. */
const allImagesLoaded = (selector: string): boolean =>
  Array.from(
    (
      globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }> };
      }
    ).document.querySelectorAll(selector),
  ).every((img) => img.complete && img.naturalWidth > 0);

/** A real browser on the real stack: index labelled photos, open the dataset, the people grid and a person. */
describeIfBrowser('dashboard in a browser (Chromium, full stack, real photos)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ label: 'dashui', clusterDebounceMs: 500 }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    const files: Array<{ URI: string }> = [];
    for (const person of PEOPLE) {
      for (const name of readdirSync(join(PHOTOS, person)).sort().slice(0, PER_PERSON)) {
        await stack.storage.put(
          'photos',
          `bbt/${person}/${name}`,
          readFileSync(join(PHOTOS, person, name)),
          'image/png',
        );
        files.push({ URI: `oss://photos/bbt/${person}/${name}` });
      }
    }
    expect((await stack.api('CreateProject', { ProjectName: 'tv' })).status).toBe(200);
    expect((await stack.api('CreateDataset', { ProjectName: 'tv', DatasetName: 'bbt' })).status).toBe(200);
    expect(
      (await stack.api('BatchIndexFileMeta', { ProjectName: 'tv', DatasetName: 'bbt', Files: files })).status,
    ).toBe(200);
    await stack.waitForQueuesDrained(90_000);
    const task = await stack.api('CreateFigureClusteringTask', { ProjectName: 'tv', DatasetName: 'bbt' });
    expect(task.status).toBe(200);
    await stack.waitForQueuesDrained(60_000);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the dataset, its people and a person with face boxes on the photos', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.gatewayUrl}/dashboard`);
    await page.getByRole('link', { name: 'bbt' }).click();

    const people = page.locator('#people .person');
    await people
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: join(OUTPUT, 'dashboard-failure.png'), fullPage: true });
        throw error;
      });
    expect(await people.count()).toBe(PEOPLE.length);
    await page.waitForFunction(allImagesLoaded, '#people img');
    expect(await page.locator('.stat b').first().textContent()).toBe(String(PEOPLE.length * PER_PERSON));
    await page.screenshot({ path: join(OUTPUT, 'dashboard-people.png'), fullPage: true });

    await people.first().click();
    await page.locator('#photos .photo').first().waitFor();
    expect(await page.locator('#photos .photo').count()).toBe(PER_PERSON);
    expect(await page.locator('#photos .box.mine').count()).toBe(PER_PERSON);
    await page.waitForFunction(allImagesLoaded, '#photos .frame img');
    // Every box lies on its photo and has a plausible face size.
    const boxes = await page.locator('#photos .box.mine').evaluateAll((els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect();
        const frame = el.parentElement!.getBoundingClientRect();
        return {
          w: box.width / frame.width,
          inside:
            box.left >= frame.left - 2 &&
            box.right <= frame.right + 2 &&
            box.top >= frame.top - 2 &&
            box.bottom <= frame.bottom + 2,
        };
      }),
    );
    for (const box of boxes) {
      expect(box.inside).toBe(true);
      expect(box.w).toBeGreaterThan(0.03);
    }
    const captions = await page.locator('#photos .caption').allTextContents();
    const person = /oss:\/\/photos\/bbt\/(\w+)\//.exec(captions[0])![1];
    expect(captions.every((c) => c.includes(`/bbt/${person}/`))).toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-cluster.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
