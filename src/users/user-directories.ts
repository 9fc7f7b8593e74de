import { Injectable } from '@nestjs/common';
import type { LoginCandidate, UserProfile } from './users.service';

/** Thrown by a directory that did not answer (down, slow, refused our service account). */
export class DirectoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryUnavailableError';
  }
}

/**
 * Where the password of users kept outside our database is checked (LDAP, Active Directory).
 * `authenticate` answers the local user the directory vouches for (linked or created at first
 * sign-in), null for a wrong password, an unknown or disabled account; it throws
 * DirectoryUnavailableError when it could not tell.
 */
export interface UserDirectory {
  authenticate(login: string, password: string, candidate: LoginCandidate | null): Promise<UserProfile | null>;
}

/**
 * The directory registered by the federation module, if any. Users depend on no directory code:
 * the federation module (which needs users) registers itself here when it starts.
 */
@Injectable()
export class UserDirectories {
  private directory: UserDirectory | null = null;

  register(directory: UserDirectory): void {
    if (this.directory) throw new Error('a user directory is registered already');
    this.directory = directory;
  }

  get(): UserDirectory | null {
    return this.directory;
  }
}
