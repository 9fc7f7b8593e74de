import { assertUserMayReceiveScope } from './roles';

describe('assertUserMayReceiveScope', () => {
  it('lets an administrator receive the admin scope', () => {
    expect(() => assertUserMayReceiveScope({ roles: ['admin'] }, 'read admin')).not.toThrow();
  });

  it('refuses the admin scope to anyone else with invalid_scope', () => {
    expect(() => assertUserMayReceiveScope({ roles: ['user'] }, 'admin')).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
  });

  it('does not confuse a scope that merely contains the word', () => {
    expect(() => assertUserMayReceiveScope({ roles: [] }, 'administration read')).not.toThrow();
  });
});
