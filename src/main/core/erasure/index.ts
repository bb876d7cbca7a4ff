export { createErasureHandlers } from './erasure-handlers';
export { ErasureService, type ErasureServiceOptions } from './service';
export { computePreview } from './compute-plan';
export { runErasure, type RunErasureDeps } from './run';
export { RUN_KIND, type ErasureDocument } from './document';
export { RECEIPT_DOWNLOAD_PATH, receiptFileName, receiptPath } from './receipt-file';
