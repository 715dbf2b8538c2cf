// multipart/form-data bodies (serverless-upload's Function and Asset version uploads).
import busboy from "busboy";
import type { IncomingHttpHeaders } from "http";
import type { Params } from "./params";
import type { UploadedFile } from "./router";

export function parseMultipart(
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ form: Params; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    const form: Params = {};
    const files: UploadedFile[] = [];
    const parser = busboy({ headers });
    parser.on("field", (name, value) => {
      const existing = form[name];
      form[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    });
    parser.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () =>
        files.push({
          field,
          filename: info.filename ?? field,
          contentType: info.mimeType,
          content: Buffer.concat(chunks),
        }),
      );
    });
    parser.on("error", reject);
    parser.on("close", () => resolve({ form, files }));
    parser.end(body);
  });
}
