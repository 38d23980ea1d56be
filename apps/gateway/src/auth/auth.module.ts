import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessKeyController } from '../access-keys/access-key.controller';
import { AccessKeyService } from './access-key.service';
import { AuthenticationMiddleware } from './authentication.middleware';
import { NonceStore } from './nonce.store';
import { ProjectScopeGuard } from './project-scope.guard';
import { SignatureVerifier } from './signature-verifier';

/**
 * Authentication (the default-deny middleware the gateway installs before its router), AccessKeys and their
 * signatures, and the per-project scope of AccessKeys.
 */
@Module({
  controllers: [AccessKeyController],
  providers: [
    AuthenticationMiddleware,
    SignatureVerifier,
    AccessKeyService,
    NonceStore,
    { provide: APP_GUARD, useClass: ProjectScopeGuard },
  ],
  exports: [AuthenticationMiddleware, AccessKeyService],
})
export class AuthModule {}
