/** The library database and its repositories, opened once per service. */
import { DocumentClaims } from './claims.js';
import { ConversationStore } from './conversations.js';
import { openDatabase, type Db } from './database.js';
import { DocumentStore } from './documents.js';
import { JobStore } from './jobs.js';
import { LibraryMembers } from './library-members.js';
import { Settings } from './settings.js';

export { scopeKey } from './conversations.js';
export { DATABASE_FILE } from './database.js';
export type { Db } from './database.js';

export interface Store {
  db: Db;
  documents: DocumentStore;
  /** Starting a job on a document, and removing one, as one check-and-act each across processes. */
  claims: DocumentClaims;
  jobs: JobStore;
  members: LibraryMembers;
  conversations: ConversationStore;
  settings: Settings;
  close(): void;
}

export function openStore(home: string): Store {
  const db = openDatabase(home);
  const jobs = new JobStore(db);
  jobs.prune();
  const documents = new DocumentStore(db);
  const conversations = new ConversationStore(db);
  return {
    db,
    documents,
    claims: new DocumentClaims(db, documents, jobs, conversations),
    jobs,
    members: new LibraryMembers(db),
    conversations,
    settings: new Settings(db),
    close: () => db.close(),
  };
}
