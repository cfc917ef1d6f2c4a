interface Props {
  path: string;
  onOpen: (path: string) => void;
}

/** A file path that opens the file's commits in History. */
export function PathButton({ path, onOpen }: Props) {
  return (
    <button
      type="button"
      className="link-button path"
      data-testid="open-path-history"
      data-path={path}
      title={`Show the commits that changed ${path}`}
      onClick={() => onOpen(path)}
    >
      {path}
    </button>
  );
}
