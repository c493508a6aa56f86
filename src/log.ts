// The "Exalate" LogOutputChannel, with every known secret (node tokens, Azure DevOps PATs) redacted from
// every line before it is written. Secrets are registered by the node registry as soon as they are read.
import * as vscode from 'vscode';

export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  /** Registers a value that must never appear in the log. */
  addSecret(secret: string | undefined): void;
  show(): void;
}

export const REDACTED = '«redacted»';

export class RedactingLogger implements Logger, vscode.Disposable {
  private readonly secrets = new Set<string>();
  constructor(private readonly channel: vscode.LogOutputChannel) {}

  static create(): RedactingLogger {
    return new RedactingLogger(vscode.window.createOutputChannel('Exalate', { log: true }));
  }

  addSecret(secret: string | undefined): void {
    // Very short values would redact ordinary words; tokens and PATs are long.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    // Belt and braces: credentials in headers or URLs even if we never saw the value.
    out = out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`);
    out = out.replace(/\/\/[^/@\s]+:[^/@\s]+@/g, `//${REDACTED}@`);
    return out;
  }

  trace(message: string): void {
    this.channel.trace(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string | Error): void {
    const text = message instanceof Error ? `${message.name}: ${message.message}` : message;
    this.channel.error(this.redact(text));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
