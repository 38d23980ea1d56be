import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { IMAGE_CSP } from './dashboard-headers.middleware';
import { DashboardRenderer } from './dashboard.renderer';
import { CLUSTER_SORTS, DashboardService } from './dashboard.service';

const html = ['Content-Type', 'text/html; charset=utf-8'] as const;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** The operator dashboard: server-rendered pages over the repositories, plus face thumbnails and originals. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly service: DashboardService,
    private readonly view: DashboardRenderer,
  ) {}

  @Get()
  @Header(...html)
  async overview(): Promise<string> {
    return this.view.render('overview', { title: 'Datasets', projects: await this.service.overview() });
  }

  @Get('datasets/:datasetId')
  @Header(...html)
  async people(@Param('datasetId') datasetId: string, @Query() query: Record<string, unknown>): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const sort = CLUSTER_SORTS.find((s) => s === query['sort']) ?? 'FaceCount';
    const order = query['order'] === 'ASC' ? 'ASC' : 'DESC';
    const after = str(query['after']);
    const page = await this.service.clusterPage(head.dataset.id, { sort: sort, order, ...(after ? { after } : {}) });
    return this.view.render('people', {
      title: head.dataset.name,
      tab: 'people',
      ...head,
      ...page,
      sort,
      order,
      sorts: CLUSTER_SORTS,
    });
  }

  @Get('datasets/:datasetId/clusters/:clusterId')
  @Header(...html)
  async cluster(
    @Param('datasetId') datasetId: string,
    @Param('clusterId') clusterId: string,
    @Query('after') after: unknown,
  ): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const page = await this.service.cluster(head.dataset.id, clusterId, str(after));
    const mine = (face: { clusterId: string | null }): boolean => face.clusterId === page.cluster.id;
    return this.view.render('cluster', { title: page.cluster.name || 'Person', ...head, ...page, mine });
  }

  @Get('datasets/:datasetId/unclustered')
  @Header(...html)
  async unclustered(@Param('datasetId') datasetId: string, @Query('after') after: unknown): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const page = await this.service.unclustered(head.dataset.id, str(after));
    return this.view.render('unclustered', {
      title: `${head.dataset.name}: unclustered faces`,
      tab: 'unclustered',
      ...head,
      ...page,
    });
  }

  @Get('datasets/:datasetId/strangers')
  @Header(...html)
  async strangers(@Param('datasetId') datasetId: string): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const strangers = await this.service.recentStrangers(head.dataset.id);
    return this.view.render('strangers', {
      title: `${head.dataset.name}: strangers`,
      tab: 'strangers',
      ...head,
      strangers,
    });
  }

  @Get('datasets/:datasetId/failed')
  @Header(...html)
  async failed(@Param('datasetId') datasetId: string, @Query('after') after: unknown): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const page = await this.service.failedFiles(head.dataset.id, str(after));
    return this.view.render('failed', { title: `${head.dataset.name}: failed files`, tab: 'failed', ...head, ...page });
  }

  @Get('datasets/:datasetId/tasks')
  @Header(...html)
  async tasks(@Param('datasetId') datasetId: string): Promise<string> {
    const head = await this.service.dataset(datasetId);
    const tasks = await this.service.recentTasks(head.dataset.id);
    return this.view.render('tasks', { title: `${head.dataset.name}: tasks`, tab: 'tasks', ...head, tasks });
  }

  @Get('figures/:figureId/thumbnail')
  async thumbnail(@Param('figureId') figureId: string, @Res() res: Response): Promise<void> {
    const jpeg = await this.service.thumbnail(figureId);
    res.type('image/jpeg').setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('Content-Security-Policy', IMAGE_CSP);
    res.send(jpeg);
  }

  @Get('files/:fileId/image')
  async image(@Param('fileId') fileId: string, @Res() res: Response): Promise<void> {
    const image = await this.service.image(fileId);
    res.type(image.contentType).setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('Content-Security-Policy', IMAGE_CSP);
    res.send(image.body);
  }
}
