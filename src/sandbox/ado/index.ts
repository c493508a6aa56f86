// Azure DevOps REST emulator mounted by the sandbox node under `/ado/`. See docs/ado-emulator.md.
export {
  AdoError,
  createAdoEmulator,
  type AdoAttachment,
  type AdoComment,
  type AdoEmulator,
  type AdoEmulatorOptions,
  type AdoFieldValue,
  type AdoIdentity,
  type AdoPersistence,
  type AdoProject,
  type AdoRelation,
  type AdoRevision,
  type AdoWorkItem,
  type JsonPatchOp,
  type WorkItemChange,
  type WriteOptions,
} from './emulator';
export { AREA_IDS, LOCATION_IDS } from './locations';
