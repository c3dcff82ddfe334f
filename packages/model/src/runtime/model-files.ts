// Reads and checks the files of a model in Hugging Face layout, failing with messages that name the file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ModelLoadError } from '../model-load-error.js';
import { readModelFile, type ModelSource } from '../transformers-js.js';

export const ONNX_FILE = 'onnx/model.onnx';
export const QUANTIZED_ONNX_FILE = 'onnx/model_quantized.onnx';

/** `model folder /abs/dir` or `model acme/foo (cache /c)`: the prefix of every load error. */
export function describeSource(source: ModelSource): string {
  if ('modelDir' in source) return `model folder ${path.resolve(source.modelDir)}`;
  return `model ${source.modelId}${source.cacheDir ? ` (cache ${path.resolve(source.cacheDir)})` : ''}`;
}

/** Folder name for a local model, the Hub id otherwise. */
export function modelName(source: ModelSource): string {
  return 'modelDir' in source ? path.basename(path.resolve(source.modelDir)) : source.modelId;
}

export class ModelFiles {
  readonly where: string;
  /** sha256 of each file read or hashed so far, so that no file is hashed (or read) twice. */
  private readonly digests = new Map<string, string>();
  constructor(readonly source: ModelSource) {
    this.where = describeSource(source);
  }

  fail(problem: string, cause?: unknown): never {
    throw new ModelLoadError(this.where, problem, cause === undefined ? undefined : { cause });
  }

  /** Fails early with "folder does not exist" rather than a confusing per-file error. */
  checkFolder(): void {
    if (!('modelDir' in this.source)) return;
    const dir = path.resolve(this.source.modelDir);
    if (!fs.existsSync(dir)) this.fail('folder does not exist');
    if (!fs.statSync(dir).isDirectory()) this.fail('is not a folder');
  }

  async read(file: string): Promise<Uint8Array | undefined> {
    try {
      const bytes = await readModelFile(this.source, file);
      if (bytes) this.digests.set(file, createHash('sha256').update(bytes).digest('hex'));
      return bytes;
    } catch (error) {
      // Hub downloads fail here (network, auth); local reads only fail on I/O errors.
      this.fail(`${file} could not be read: ${(error as Error).message}`, error);
    }
  }

  async readJson(file: string): Promise<Record<string, unknown>> {
    const bytes = await this.read(file);
    if (!bytes) this.fail(`${file} is missing`);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      this.fail(`${file} is not valid JSON (${(error as Error).message})`, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${file} is not a JSON object`);
    return value as Record<string, unknown>;
  }

  /**
   * The ONNX weights: `quantized` true/false asks for exactly one file; left unset, local folders prefer
   * the full-precision file and Hub ids the quantized one (transformers.js' own default).
   * A local file is returned as its path, for onnxruntime to read itself: bytes read here would sit in
   * the JS heap's external memory until a full GC, several MiB per classifier thread. Hub files (cached
   * or downloaded by transformers.js) come as bytes.
   */
  async locateOnnx(quantized?: boolean): Promise<{ file: string; weights: string | Uint8Array; sha256: string }> {
    const candidates =
      quantized === true
        ? [QUANTIZED_ONNX_FILE]
        : quantized === false
          ? [ONNX_FILE]
          : 'modelDir' in this.source
            ? [ONNX_FILE, QUANTIZED_ONNX_FILE]
            : [QUANTIZED_ONNX_FILE, ONNX_FILE];
    for (const file of candidates) {
      if ('modelDir' in this.source) {
        const filePath = path.join(path.resolve(this.source.modelDir), file);
        if (!fs.existsSync(filePath)) continue;
        return { file, weights: filePath, sha256: await this.hashFile(file, filePath) };
      }
      const bytes = await this.read(file);
      if (bytes) return { file, weights: bytes, sha256: this.digests.get(file)! };
    }
    this.fail(`${candidates.join(' and ')} ${candidates.length > 1 ? 'are' : 'is'} missing`);
  }

  /**
   * SHA-256 of a model file's bytes, undefined when it does not exist. A file already read (readJson,
   * locateOnnx) is not read again; a local file is hashed streamed, a Hub file is read.
   */
  async sha256(file: string): Promise<string | undefined> {
    const known = this.digests.get(file);
    if (known !== undefined) return known;
    if ('modelDir' in this.source) {
      const filePath = path.join(path.resolve(this.source.modelDir), file);
      return fs.existsSync(filePath) ? this.hashFile(file, filePath) : undefined;
    }
    return (await this.read(file)) ? this.digests.get(file) : undefined;
  }

  /** SHA-256 of a file, streamed: the whole file is never in memory. */
  private async hashFile(file: string, filePath: string): Promise<string> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
    } catch (error) {
      this.fail(`${file} could not be read: ${(error as Error).message}`, error);
    }
    const digest = hash.digest('hex');
    this.digests.set(file, digest);
    return digest;
  }
}
