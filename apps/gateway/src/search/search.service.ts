import { FileRepository, FileSearchRepository } from '@app/database';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { SimpleQueryResponse } from '../common/imm-responses';
import { NextTokenCodec } from '../common/next-token';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { figuresByFile, selectFields, toImmFile } from '../files/imm-file.mapper';
import { SimpleQueryRequest } from './search.dto';
import { cursorKeysFit, parseAggregations, parseSimpleQuery, parseSort, sortSignature } from './simple-query.parser';
import { DomainError, ErrorCode } from '@app/contracts';

const searchCursor = z.strictObject({
  s: z.string().max(512),
  k: z.array(z.string().max(2048)).max(5),
  i: z.uuid(),
});

@Injectable()
export class SearchService {
  constructor(
    private readonly lookup: ResourceLookupService,
    private readonly search: FileSearchRepository,
    private readonly files: FileRepository,
    private readonly tokens: NextTokenCodec,
  ) {}

  /** SimpleQuery: files matching an IMM query (keyset-paged), or aggregations over them. */
  async simpleQuery(request: SimpleQueryRequest): Promise<SimpleQueryResponse> {
    // Validate everything before touching the database.
    const condition = parseSimpleQuery(request.Query);
    const sort = parseSort(request.Sort, request.Order);
    const aggregations = parseAggregations(request.Aggregations);
    const tokenScope = ['SimpleQuery', request.ProjectName, request.DatasetName];
    const cursor = this.tokens.decode(request.NextToken, tokenScope, searchCursor);
    if (cursor && (cursor.s !== sortSignature(sort) || !cursorKeysFit(cursor.k, sort))) {
      throw new DomainError(ErrorCode.InvalidNextToken, 'The parameter NextToken does not belong to this query.');
    }
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    const scope = { datasetId: dataset.id, condition };

    if (aggregations.length > 0) {
      const results = [];
      for (const [i, aggregation] of aggregations.entries()) {
        const result = await this.search.aggregate(scope, aggregation, request.MaxResults || 100);
        const requested = request.Aggregations![i];
        results.push({
          Field: requested.Field,
          Operation: requested.Operation,
          ...(result.value !== undefined ? { Value: result.value } : {}),
          ...(result.groups ? { Groups: result.groups.map((g) => ({ Value: g.value, Count: g.count })) } : {}),
        });
      }
      return { Files: [], Aggregations: results, NextToken: '' };
    }

    const limit = request.MaxResults || 100;
    const page = await this.search.search({
      ...scope,
      sort,
      limit,
      ...(cursor ? { after: { keys: cursor.k, id: cursor.i } } : {}),
    });
    const rows = await this.search.filesByIds(page.ids);
    const figures = figuresByFile(await this.files.figuresOfFiles(rows.map((r) => r.id)));
    const names = { projectName: project.name, datasetName: dataset.name };
    return {
      Files: rows.map((file) => selectFields(toImmFile(file, figures.get(file.id) ?? [], names), request.WithFields)),
      Aggregations: [],
      NextToken: page.next
        ? this.tokens.encode(tokenScope, { s: sortSignature(sort), k: page.next.keys, i: page.next.id })
        : '',
      ...(request.WithoutTotalHits ? {} : { TotalHits: await this.search.count(scope) }),
    };
  }
}
