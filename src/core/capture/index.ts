// The capture file: format constants, streaming writer, fast reader, and the recorder.
export { CAPTURE_FORMAT_VERSION, isCapture } from './format';
export { CaptureWriter, FileSink, MemorySink, type CaptureEnd, type CaptureEvent, type CaptureHeader } from './writer';
export { CaptureFormatError, readCapture, readCaptureEvents } from './reader';
export { recordCapture, type RecordOptions, type RecordProgress, type RecordResult, type WriterFactory } from './recorder';
