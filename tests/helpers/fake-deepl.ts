import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeeplRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string[]>;
}

/** What the fake answers next: a translation, or an HTTP failure as DeepL gives it (456 quota, 403 key). */
export type DeeplAnswer = { detected: string; text: string } | { status: number; message: string };

export interface FakeDeepl {
  url: string;
  requests: DeeplRequest[];
  /** Answers, in order; the last one repeats. */
  answer(...answers: DeeplAnswer[]): void;
  stop(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string[]>> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
  const form: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) (form[key] ??= []).push(value);
  return form;
}

/** DeepL's /v2/translate on loopback, as its API reference describes the request and the answer. */
export async function startFakeDeepl(): Promise<FakeDeepl> {
  const requests: DeeplRequest[] = [];
  let answers: DeeplAnswer[] = [{ detected: 'EN', text: '(no answer set)' }];
  const server = createServer((req, res) => {
    void readForm(req).then((form) => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form,
      });
      const answer = (answers.length > 1 ? answers.shift() : answers[0]) as DeeplAnswer;
      res.setHeader('content-type', 'application/json');
      if ('status' in answer) {
        res.statusCode = answer.status;
        res.end(JSON.stringify({ message: answer.message }));
        return;
      }
      const texts = form.text ?? [];
      res.end(
        JSON.stringify({
          translations: texts.map(() => ({
            detected_source_language: answer.detected,
            text: answer.text,
            billed_characters: texts.join('').length,
          })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (...next) => (answers = next),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
