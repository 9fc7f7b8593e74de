import { applicationWarnings } from './application-warnings';

describe('applicationWarnings', () => {
  it('warns that an application limited to client_credentials can never receive the admin scope it lists', () => {
    expect(applicationWarnings({ grantTypes: ['client_credentials'], scope: 'read admin' })).toEqual([
      'scope admin is only issued to users with the admin role, and grant types client_credentials never issue a token for a user: this application can never receive it',
    ]);
    expect(applicationWarnings({ grantTypes: ['client_credentials', 'refresh_token'], scope: 'admin' })).toHaveLength(1);
  });

  it('says nothing when a grant type may act for a user: an admin console may list the admin scope', () => {
    for (const grantType of ['authorization_code', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:example:grant']) {
      expect(applicationWarnings({ grantTypes: ['client_credentials', grantType], scope: 'read admin' })).toEqual([]);
    }
  });

  it('says nothing about an application that lists no reserved scope', () => {
    expect(applicationWarnings({ grantTypes: ['client_credentials'], scope: 'read administration' })).toEqual([]);
  });
});
