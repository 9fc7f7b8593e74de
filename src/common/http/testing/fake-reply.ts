/** A stand-in for a Fastify reply in unit specs: records the status, headers, body and redirect it is given. */
export function fakeReply() {
  return {
    headers: {} as Record<string, string>,
    statusCode: 0,
    body: undefined as unknown,
    sent: false,
    redirectedTo: undefined as string | undefined,
    header(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
      return this;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: unknown) {
      this.body = body;
    },
    redirect(url: string, code: number) {
      this.statusCode = code;
      this.redirectedTo = url;
    },
  };
}
