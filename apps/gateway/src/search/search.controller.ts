import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ImmOperation } from '../common/imm-operation.decorator';
import { SimpleQueryResponse } from '../common/imm-responses';
import { ZodBody } from '../common/zod-body.pipe';
import { simpleQuerySchema, SimpleQueryRequest } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('Search')
@Controller('api/v1')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @ImmOperation(
    'SimpleQuery',
    simpleQuerySchema,
    'Search files with the IMM query language (eq, gt, gte, lt, lte, prefix, exist, and, or, not, nested on Figures), sort, paging and aggregations',
    SimpleQueryResponse,
  )
  simpleQuery(@Body(new ZodBody(simpleQuerySchema)) body: SimpleQueryRequest) {
    return this.search.simpleQuery(body);
  }
}
