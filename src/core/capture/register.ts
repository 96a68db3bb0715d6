// Registers the .uevrcap reader with the shared profile loader (src/core/formats), so
// loadProfile(bytes, name) opens captures like any other format. Call once at start-up.
import { registerBinaryImporter } from '../formats/loadProfile';
import { isCapture } from './format';
import { readCapture } from './reader';

export function registerCaptureImporter(): void {
  registerBinaryImporter({ format: 'uevrcap', sniff: isCapture, load: (bytes, fileName) => readCapture(bytes, fileName) });
}
