// A Redis adapter for node-oidc-provider (its adapter contract: upsert, find, findByUid,
// findByUserCode, destroy, consume, revokeByGrantId), as a production set-up stores its models:
// one MULTI per saved model, with the model's TTL; consumable models in a hash so that `consume`
// marks them without rewriting the payload; a list per grant for revokeByGrantId.
import Redis from 'ioredis';

const client = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', {
  // A prefix of its own, so the peer never reads or clears what another process stored.
  keyPrefix: `oidc-bench-${process.pid}:`,
});

const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const consumable = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

const grantKeyFor = (id) => `grant:${id}`;
const userCodeKeyFor = (userCode) => `userCode:${userCode}`;
const uidKeyFor = (uid) => `uid:${uid}`;

export class RedisAdapter {
  constructor(name) {
    this.name = name;
  }

  key(id) {
    return `${this.name}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const multi = client.multi();
    if (consumable.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
    else multi.set(key, JSON.stringify(payload));
    if (expiresIn) multi.expire(key, expiresIn);
    if (grantable.has(this.name) && payload.grantId) {
      const grantKey = grantKeyFor(payload.grantId);
      // The list holds the key without the prefix: ioredis adds it again when revokeByGrantId deletes.
      multi.rpush(grantKey, key);
      const ttl = await client.ttl(grantKey);
      if (expiresIn > ttl) multi.expire(grantKey, expiresIn);
    }
    if (payload.userCode) {
      multi.set(userCodeKeyFor(payload.userCode), id);
      if (expiresIn) multi.expire(userCodeKeyFor(payload.userCode), expiresIn);
    }
    if (payload.uid) {
      multi.set(uidKeyFor(payload.uid), id);
      if (expiresIn) multi.expire(uidKeyFor(payload.uid), expiresIn);
    }
    await multi.exec();
  }

  async find(id) {
    if (!id) return undefined;
    if (consumable.has(this.name)) {
      const data = await client.hgetall(this.key(id));
      if (!data || !data.payload) return undefined;
      const { payload, ...rest } = data;
      // `consumed` is stored as a string; the provider only tests its truthiness.
      return { ...rest, ...JSON.parse(payload) };
    }
    const data = await client.get(this.key(id));
    return data ? JSON.parse(data) : undefined;
  }

  async findByUid(uid) {
    return this.find(await client.get(uidKeyFor(uid)));
  }

  async findByUserCode(userCode) {
    return this.find(await client.get(userCodeKeyFor(userCode)));
  }

  async destroy(id) {
    await client.del(this.key(id));
  }

  async consume(id) {
    await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
  }

  async revokeByGrantId(grantId) {
    const grantKey = grantKeyFor(grantId);
    const keys = await client.lrange(grantKey, 0, -1);
    const multi = client.multi();
    for (const key of keys) multi.del(key);
    multi.del(grantKey);
    await multi.exec();
  }
}

export const disconnect = () => client.quit();
