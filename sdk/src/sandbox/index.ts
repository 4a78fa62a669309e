export type { NodeCallOutcome, SandboxErrorCode, SandboxFailure } from './errors.js';
export { SandboxError } from './errors.js';
export type { CapabilityUse, HttpCapabilityOptions } from './http-capability.js';
export { HttpCapability } from './http-capability.js';
export type { SandboxLimits } from './limits.js';
export { DEFAULT_SANDBOX_LIMITS } from './limits.js';
export { loadBuiltPlugin, PLUGIN_MANIFEST_FILE, PLUGIN_SCRIPT_FILE } from './load.js';
export type { MailReceipt, MailRequest } from './mail.js';
export { checkMail, MailError, sendMail } from './mail.js';
export type { LoadedPlugin, PluginSandboxOptions } from './plugin-sandbox.js';
export { PluginSandbox } from './plugin-sandbox.js';
export type { CredentialSet, HttpGrant, ResolvedResource, ResourceBroker } from './resources.js';
export {
  checkResourceUse,
  credentialHeaders,
  memoryBroker,
  NO_RESOURCES,
  ResourceRefusal,
  resourceHosts,
} from './resources.js';
export type { SandboxHostOptions } from './sandbox-host.js';
export { SandboxHost } from './sandbox-host.js';
export { parseSealed, sealInput } from './sealed-input.js';
