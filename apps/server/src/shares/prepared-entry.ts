import { fileExtension, fileName, fileType, nameWords, type FileEntry, type FileType } from '#contracts';

/** A validated file entry with what the index derives from its name. */
export interface PreparedEntry extends FileEntry {
  index: number;
  name: string;
  /** distinct words of the name, as search matches them */
  words: string[];
  ext: string;
  type: FileType;
}

export function prepareEntry(entry: FileEntry, index: number): PreparedEntry {
  const name = fileName(entry.path);
  const ext = fileExtension(name);
  return { ...entry, index, name, words: [...new Set(nameWords(name))], ext, type: fileType(ext) };
}
