import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, in order. Listed explicitly: no globs over dist/. */
export const MIGRATIONS = [InitialSchema1764000000000];
