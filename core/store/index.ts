/** The library database and its repositories, opened once per service. */
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
  return {
    db,
    documents: new DocumentStore(db),
    jobs,
    members: new LibraryMembers(db),
    conversations: new ConversationStore(db),
    settings: new Settings(db),
    close: () => db.close(),
  };
}
