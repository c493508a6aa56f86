// Public surface of the sandbox node for the extension and tests.
export { startSandbox, DEFAULT_ORG, type SandboxOptions, type RunningSandbox } from './sandbox';
export { SandboxNode, SANDBOX_VERSION, DEFAULT_POLL_MS, DEFAULT_INVITATION_TTL_MS } from './node';
export { ApiError } from './errors';
