// Azure DevOps REST emulator mounted by the sandbox node under `/ado/`. See docs/ado-emulator.md.
export { createAdoEmulator, type AdoEmulator, type AdoEmulatorOptions, type AdoProject } from './emulator';
export { AREA_IDS, LOCATION_IDS } from './locations';
