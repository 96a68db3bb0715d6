// Profile file formats: read (loadProfile) and write (exportProfile).
export { loadProfile, MAX_PROFILE_BYTES, formatFromFileName, type ProfileFormat, type LoadOptions } from './loadProfile';
export { ProfileFormatError, ProfileLoadAbortedError } from './errors';
export { exportProfile, exportProfileChunks, EXPORT_FORMATS, exportFileExtension, type ExportFormat } from './exportProfile';
