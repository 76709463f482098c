/** H5 talks to the emulator over HTTP (transport.h5.ts): no cloud SDK to initialise. */
export function initCloud(): void {}
