import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

// Shared styles first: each feature's own file (imported by its page) comes after them.
import "./styles.css";
import { App } from "./app/App";
import { ErrorBoundary } from "./shared/components/ErrorBoundary";
import { createQueryClient } from "./shared/query/queryClient";
import { applyTheme, loadTheme } from "./shared/theme";

// Before the first render, so a chosen theme never flashes the other one.
applyTheme(loadTheme());

const root = document.getElementById("root");
if (root === null) {
  throw new Error("RepoVault: #root element missing from index.html");
}

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);
