import type { Authentication } from '../common/oauth/authentication';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hydrate } from '../database/rows/select-rows';
import { SqlFile } from '../database/rows/sql-file';
import { transactional } from '../database/unit-of-work/unit-of-work';
import { LoginSessionEntity } from './login-session.entity';

/**
 * Every statement on the login_sessions table. Writes join the current unit of work when there is
 * one; LoginSessionService keeps the rules (cookie values, lifetimes, the signed-in user).
 */
export abstract class LoginSessionRepository {
  abstract insert(session: LoginSessionEntity): Promise<void>;
  /** The session whose cookie value hashes to `sessionHash`, or null. */
  abstract findByHash(sessionHash: string): Promise<LoginSessionEntity | null>;
  abstract deleteByHash(sessionHash: string): Promise<void>;
  /** Records a step-up: how the session's user has now authenticated, and when. */
  abstract stepUp(id: string, authentication: Authentication, authTime: number): Promise<void>;
  abstract deleteForUser(userId: string): Promise<void>;
}

const FIND_BY_HASH = SqlFile.read(__dirname, 'login-session.find.sql');

@Injectable()
export class TypeOrmLoginSessionRepository implements LoginSessionRepository {
  constructor(@InjectRepository(LoginSessionEntity) private readonly repository: Repository<LoginSessionEntity>) {}

  async insert(session: LoginSessionEntity): Promise<void> {
    await transactional(this.repository).insert(session);
  }

  async findByHash(sessionHash: string): Promise<LoginSessionEntity | null> {
    const { manager, metadata } = this.repository;
    const [session] = hydrate<LoginSessionEntity>(manager, metadata, await FIND_BY_HASH.query(manager, [sessionHash]));
    return session ?? null;
  }

  async stepUp(id: string, authentication: Authentication, authTime: number): Promise<void> {
    await transactional(this.repository).update({ id }, { authentication, authTime });
  }

  async deleteByHash(sessionHash: string): Promise<void> {
    await transactional(this.repository).delete({ sessionHash });
  }

  async deleteForUser(userId: string): Promise<void> {
    await transactional(this.repository).delete({ userId });
  }
}
