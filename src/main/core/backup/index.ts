/** The recovery path of the durable stores: recovery key, key file, backup and restore. */
export { createBackupHandlers } from './backup-handlers';
export { KEY_WRAP_FILE, BACKUP_EXTENSION, recoveryKeyAccount } from './backup-service';
