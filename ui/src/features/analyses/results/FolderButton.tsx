interface Props {
  folder: string;
  busy: boolean;
  onNarrow: (folder: string) => void;
}

/** A folder (`""` is the root) that narrows every analysis to itself when chosen. */
export function FolderButton({ folder, busy, onNarrow }: Props) {
  const label = folder === "" ? "(repository root)" : `${folder}/`;
  if (folder === "") return <span className="path">{label}</span>;
  return (
    <button
      type="button"
      className="link-button path"
      data-testid="narrow-folder"
      data-folder={folder}
      disabled={busy}
      title={`Only ${folder}/ in this and the other analyses (Only paths: ${folder}/**)`}
      onClick={() => onNarrow(folder)}
    >
      {label}
    </button>
  );
}
