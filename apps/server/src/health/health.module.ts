import { Global, Module } from '@nestjs/common';
import { DatabaseReadinessChecks } from './database-readiness.checks.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';

/** Global so that any module can register a readiness check with ReadinessService. */
@Global()
@Module({ controllers: [HealthController], providers: [ReadinessService, DatabaseReadinessChecks], exports: [ReadinessService] })
export class HealthModule {}
