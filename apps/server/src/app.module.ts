import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ActivityModule } from './activity/activity.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { ZodValidationPipe } from './common/zod-dto.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { SearchIndexModule } from './search/memory-index/search-index.module.js';
import { SearchModule } from './search/search.module.js';
import { SharesModule } from './shares/shares.module.js';
import { TransfersModule } from './transfers/transfers.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RateLimitModule,
        MetricsModule,
        ActivityModule,
        HealthModule,
        SearchIndexModule,
        UsersModule,
        AuthModule,
        ApiKeysModule,
        PresenceModule,
        SharesModule,
        SearchModule,
        TransfersModule,
        ModerationModule,
        ReportsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
      ],
    };
  }
}
