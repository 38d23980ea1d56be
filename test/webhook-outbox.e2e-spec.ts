/**
 * Task webhooks through the durable path on the real stack (Postgres, Redis/BullMQ, gateway, clusterer): the
 * task's end and its outbox event commit together, the gateway's relay turns the event into one notify job
 * keyed by the event id, and the delivery carries that id. A gateway that is down when the task ends (so the
 * pub/sub hint is lost) delivers once it is back, exactly once, even when the relay repeats itself.
 */
import { gatewayEnvSchema, loadConfig } from '@app/config';
import { waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createGatewayApp } from '../apps/gateway/src/gateway.app';
import { Stack, startStack } from './support/stack';

jest.setTimeout(120_000);

interface OutboxRow {
  event_id: string;
  event_type: string;
  destination: string;
  dispatched_at: Date | null;
}

describe('task webhooks through the outbox', () => {
  let stack: Stack;
  let server: Server;
  let endpoint: string;
  const received: Array<Record<string, unknown>> = [];
  const deliveriesOf = (eventId: string) => received.filter((body) => body['id'] === eventId);

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(data) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    stack = await startStack({ label: 'outbox', indexer: false, env: { OUTBOX_POLL_MS: '200' } });
    expect((await stack.api('CreateProject', { ProjectName: 'hooks' })).status).toBe(200);
    expect((await stack.api('CreateDataset', { ProjectName: 'hooks', DatasetName: 'd' })).status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function outboxRow(eventId: string): Promise<OutboxRow | undefined> {
    const { rows } = await stack.db.query(
      'SELECT event_id, event_type, destination, dispatched_at FROM outbox WHERE event_id = $1',
      [eventId],
    );
    return rows[0] as OutboxRow | undefined;
  }

  async function requestClustering(): Promise<{ TaskId: string; EventId: string }> {
    const res = await stack.api('CreateFigureClusteringTask', {
      ProjectName: 'hooks',
      DatasetName: 'd',
      Notification: { HTTP: { Endpoint: endpoint } },
    });
    expect(res.status).toBe(200);
    return res.body as { TaskId: string; EventId: string };
  }

  it('delivers the task-ended webhook with the event id', async () => {
    const task = await requestClustering();
    const [body] = await waitFor(
      () => deliveriesOf(task.EventId).length > 0 && deliveriesOf(task.EventId),
      'the webhook',
    );
    expect(body).toMatchObject({
      id: task.EventId,
      type: 'imm:Task:FaceClustering',
      content: { TaskId: task.TaskId, EventId: task.EventId, Status: 'Succeeded', ProjectName: 'hooks' },
    });
    expect(await outboxRow(task.EventId)).toMatchObject({
      event_type: 'imm:Task:FaceClustering',
      destination: endpoint,
      dispatched_at: expect.any(Date),
    });
  });

  it('still delivers, exactly once, when the gateway was down while the task ended', async () => {
    // Hold the run until the gateway is down, so that the task ends (and its pub/sub hint is lost) meanwhile.
    await stack.queues.cluster.pause();
    const task = await requestClustering();
    await stack.apps.gateway!.close();
    await stack.queues.cluster.resume();

    const ended = await waitFor(async () => {
      const { rows } = await stack.db.query(`SELECT status FROM tasks WHERE id = $1 AND status <> 'Running'`, [
        task.TaskId,
      ]);
      return rows[0] as { status: string } | undefined;
    }, 'the task to end');
    expect(ended.status).toBe('Succeeded');
    // Committed with the task's end, not relayed: no gateway is running.
    expect(await outboxRow(task.EventId)).toMatchObject({ dispatched_at: null });
    expect(deliveriesOf(task.EventId)).toHaveLength(0);

    const gateway: INestApplication = await createGatewayApp(loadConfig(gatewayEnvSchema, stack.env));
    stack.apps.gateway = gateway;
    await waitFor(async () => (await outboxRow(task.EventId))?.dispatched_at, 'the restarted relay to dispatch');
    await waitFor(() => deliveriesOf(task.EventId).length > 0, 'the webhook after the restart');

    // A relay that died after enqueueing but before marking the event dispatched relays it again: same job id,
    // no second delivery.
    await stack.db.query('UPDATE outbox SET dispatched_at = NULL, next_attempt_at = now() WHERE event_id = $1', [
      task.EventId,
    ]);
    await waitFor(async () => (await outboxRow(task.EventId))?.dispatched_at, 'the repeated relay');
    await stack.waitForQueuesDrained();
    expect(deliveriesOf(task.EventId)).toHaveLength(1);
    expect(deliveriesOf(task.EventId)[0]).toMatchObject({ id: task.EventId, content: { TaskId: task.TaskId } });
  });
});
