import { toFigureClusterId } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { dashboardCss } from './views/dashboard.css';
import { templates } from './views/templates';

/** Formatting helpers the templates use (no logic beyond presentation). */
export const fmt = {
  num: (value: number | null | undefined, digits: number): string =>
    value === null || value === undefined ? '–' : value.toFixed(digits),
  time: (value: Date | null | undefined): string => (value ? value.toISOString().replace('T', ' ').slice(0, 19) : '–'),
  duration: (start: Date, end: Date | null): string => {
    const ms = (end ?? new Date()).getTime() - start.getTime();
    const text =
      ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
    return end ? text : `${text}…`;
  },
  ageRange: (c: { minAge: number | null; maxAge: number | null }): string =>
    c.minAge === null || c.maxAge === null ? '?' : `${Math.round(c.minAge)}–${Math.round(c.maxAge)}`,
  clusterId: toFigureClusterId,
};

/** Renders the dashboard's Eta templates (compiled once, escaped by default). */
@Injectable()
export class DashboardRenderer {
  private readonly eta = new Eta({ autoEscape: true, cache: true, autoTrim: false });

  constructor() {
    for (const [name, template] of Object.entries(templates)) this.eta.loadTemplate(name, template);
  }

  render(view: string, data: Record<string, unknown> & { title: string }): string {
    return this.eta.render(`@${view}`, { ...data, css: dashboardCss, fmt });
  }
}
