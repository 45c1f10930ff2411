import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** An answer a handler in front of NestJS has taken on: the route it counts under, and how to send it. */
export interface EarlyAnswer {
  route: string;
  send(response: ServerResponse): void;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Put `take` in front of the application's own request listener (Express, under NestJS) on the
 * HTTP server: for each request it either returns an answer, sent through `around` (logging and
 * metrics) with the header Express would have set first, or null, and the request goes on to
 * NestJS untouched. Call it before the server listens.
 */
export function answerBeforeNest(
  server: Server,
  take: (request: IncomingMessage) => EarlyAnswer | null,
  around: (request: IncomingMessage, response: ServerResponse, answer: EarlyAnswer) => void,
): void {
  const application = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const answer = take(request);
    if (answer !== null) {
      response.setHeader('X-Powered-By', 'Express'); // as Express's own first step does, so the headers come in the same order
      around(request, response, answer);
    } else for (const listener of application) listener.call(server, request, response);
  });
}
