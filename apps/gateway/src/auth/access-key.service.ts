import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError, ErrorCode, ResourceNotFoundError } from '@app/contracts';
import { AccessKeyEntity, AccessKeyRepository } from '@app/database';
import { Inject, Injectable } from '@nestjs/common';
import { newAccessKeyPair, SecretCipher } from './secret-cipher';

export interface ResolvedAccessKey {
  accessKeyId: string;
  secret: string;
  projects: readonly string[] | null;
  revoked: boolean;
}

/** Creates, lists, revokes and resolves AccessKey pairs; secrets only ever leave it decrypted for verification. */
@Injectable()
export class AccessKeyService {
  private readonly cipher: SecretCipher | null;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly keys: AccessKeyRepository,
  ) {
    this.cipher = config.ACCESS_KEY_ENCRYPTION_KEY ? new SecretCipher(config.ACCESS_KEY_ENCRYPTION_KEY) : null;
  }

  /** Signed requests are accepted only when secrets can be decrypted. */
  get enabled(): boolean {
    return this.cipher !== null;
  }

  /** A new pair; the secret is returned once and stored only encrypted. */
  async create(options: { projects: string[] | null; description?: string }) {
    const cipher = this.requireCipher();
    const { accessKeyId, secret } = newAccessKeyPair();
    const row = await this.keys.create({
      accessKeyId,
      secretCiphertext: cipher.encrypt(accessKeyId, secret),
      projects: options.projects,
      description: options.description ?? '',
    });
    return { ...describeAccessKey(row), AccessKeySecret: secret };
  }

  async list() {
    return (await this.keys.list()).map(describeAccessKey);
  }

  async revoke(accessKeyId: string): Promise<void> {
    if (!(await this.keys.revoke(accessKeyId)))
      throw new ResourceNotFoundError(`The active AccessKey ${accessKeyId.slice(0, 64)} does not exist.`);
  }

  /** The key with its decrypted secret, or null when unknown (or its ciphertext does not decrypt). */
  async resolve(accessKeyId: string): Promise<ResolvedAccessKey | null> {
    if (!this.cipher || accessKeyId.length > 64) return null;
    const row = await this.keys.findByAccessKeyId(accessKeyId);
    if (!row) return null;
    const secret = this.cipher.decrypt(row.accessKeyId, row.secretCiphertext);
    if (secret === null) return null;
    return { accessKeyId: row.accessKeyId, secret, projects: row.projects, revoked: row.revokedTime !== null };
  }

  private requireCipher(): SecretCipher {
    if (!this.cipher)
      throw new DomainError(
        'Forbidden.AccessKeysDisabled',
        'AccessKeys need ACCESS_KEY_ENCRYPTION_KEY (32 bytes, hex or base64) in the gateway environment.',
        ErrorCode.Forbidden,
      );
    return this.cipher;
  }
}

/** The public view of a key (never the secret). */
export function describeAccessKey(row: AccessKeyEntity) {
  return {
    AccessKeyId: row.accessKeyId,
    Projects: row.projects,
    Description: row.description,
    Status: row.revokedTime ? ('Revoked' as const) : ('Active' as const),
    CreateTime: row.createTime.toISOString(),
    ...(row.revokedTime ? { RevokeTime: row.revokedTime.toISOString() } : {}),
  };
}
