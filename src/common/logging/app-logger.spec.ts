import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContextHook } from '../http/request-context';
import { AppLogger } from './app-logger';

/** Starts every ANSI colour code. */
const ESC = String.fromCharCode(27);

/** Everything the logger writes to stdout while `run` runs. */
function captured(run: () => void): string[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines.join('').split('\n').filter(Boolean);
}

/** Runs `log` inside the context of a request with this id, as the preHandler hook sets it up. */
function inRequest(requestId: string, log: () => void): void {
  requestContextHook({ ip: '10.0.0.1', id: requestId } as FastifyRequest, {} as FastifyReply, log);
}

describe('AppLogger', () => {
  it('writes one JSON object per line with the request id of the request being served', () => {
    const logger = new AppLogger({ logLevel: 'log', logFormat: 'json' }, true);
    const [line] = captured(() => inRequest('req-42', () => logger.log('token issued', 'Token')));
    expect(JSON.parse(line)).toMatchObject({ level: 'log', context: 'Token', message: 'token issued', requestId: 'req-42' });
  });

  it('puts structured fields at the top of the JSON object', () => {
    const logger = new AppLogger({ logLevel: 'log', logFormat: 'json' }, true);
    const [line] = captured(() => logger.log('request', { route: '/oauth2/token', status: 200 }, 'Access'));
    expect(JSON.parse(line)).toMatchObject({ message: 'request', context: 'Access', route: '/oauth2/token', status: 200 });
  });

  it('writes JSON when LOG_FORMAT=auto and stdout is not a terminal, text on a terminal', () => {
    const [json] = captured(() => new AppLogger({ logLevel: 'log', logFormat: 'auto' }, false).log('hello', 'Test'));
    expect(JSON.parse(json)).toMatchObject({ message: 'hello' });
    const [text] = captured(() => new AppLogger({ logLevel: 'log', logFormat: 'auto' }, true).log('hello', 'Test'));
    expect(text).toContain(`${ESC}[`);
    expect(text.replace(new RegExp(`${ESC}\\[[\\d;]*m`, 'g'), '')).toMatch(/LOG \[Test\] hello$/);
  });

  it('writes text without colour codes when it is not a terminal, with the request id after the context', () => {
    const logger = new AppLogger({ logLevel: 'log', logFormat: 'text' }, false);
    const [line] = captured(() => inRequest('req-7', () => logger.log('hello', 'Test')));
    expect(line).not.toContain(`${ESC}[`);
    expect(line).toContain('[Test] [req-7] hello');
  });

  it('drops levels below LOG_LEVEL', () => {
    const logger = new AppLogger({ logLevel: 'warn', logFormat: 'json' }, false);
    expect(captured(() => logger.log('quiet', 'Test'))).toEqual([]);
  });
});
