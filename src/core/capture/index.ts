// The capture file: format constants, streaming writer, fast reader (the recorder that drives a session into one is src/core/session/recorder.ts).
export { CAPTURE_FORMAT_VERSION, isCapture } from './format';
export { CaptureWriter, FileSink, MemorySink, type CaptureEnd, type CaptureEvent, type CaptureHeader } from './writer';
export { CaptureFormatError, readCapture, readCaptureEvents } from './reader';
