import { z } from 'zod';
import { BrowseQuerySchema, SearchQuerySchema, Sha256ParamSchema } from '#contracts';
import { zodDto } from '../common/zod-dto.js';

export class SearchQueryDto extends zodDto(SearchQuerySchema as unknown as z.ZodObject) {}
export class BrowseQueryDto extends zodDto(BrowseQuerySchema) {}
export class Sha256ParamDto extends zodDto(Sha256ParamSchema) {}
