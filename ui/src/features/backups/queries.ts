import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "../../shared/api";
import type { BackupSettings } from "../../bindings/BackupSettings";
import type { NewSchedule } from "../../bindings/NewSchedule";
import type { RetentionPolicy } from "../../bindings/RetentionPolicy";

/** The Backups page's query keys. */
export const backupKeys = {
  all: ["backups"] as const,
  list: ["backups", "list_backups"] as const,
  settings: ["backups", "get_backup_settings"] as const,
  schedules: ["backups", "list_schedules"] as const,
};

/** Every backup in every destination, newest first (`list_backups`). */
export const backupsQuery = () => queryOptions({ queryKey: backupKeys.list, queryFn: api.listBackups });

/** Destinations, retention and the automatic backups (`get_backup_settings`). */
export const backupSettingsQuery = () => queryOptions({ queryKey: backupKeys.settings, queryFn: api.getBackupSettings });

/** The backup schedules (`list_schedules`). */
export const schedulesQuery = () => queryOptions({ queryKey: backupKeys.schedules, queryFn: api.listSchedules });

/**
 * Refetches the lists a change touched; resolves when they are back (a failed fetch shows in its
 * list). The mutations below start it without waiting, so a dialog closes as soon as its command
 * is done, as before.
 */
export function useRefetchBackups() {
  const queryClient = useQueryClient();
  return {
    backups: () => queryClient.invalidateQueries({ queryKey: backupKeys.list }),
    schedules: () => queryClient.invalidateQueries({ queryKey: backupKeys.schedules }),
  };
}

/** Deletes a backup file; the backup list is fetched again whether or not it worked. */
export function useDeleteBackup() {
  const refetch = useRefetchBackups();
  return useMutation({ mutationFn: (path: string) => api.deleteBackup(path), onSettled: () => void refetch.backups() });
}

/** Applies a retention policy (removes backups); the backup list is fetched again once it ran. */
export function usePruneBackups() {
  const refetch = useRefetchBackups();
  return useMutation({ mutationFn: (policy: RetentionPolicy) => api.pruneBackups(policy, false), onSuccess: () => void refetch.backups() });
}

/**
 * Saves the backup settings. The saved settings are the answer (no refetch); the backup list is
 * fetched again, since it lists the backups in the destinations' folders.
 */
export function useSaveBackupSettings() {
  const queryClient = useQueryClient();
  const refetch = useRefetchBackups();
  return useMutation({
    mutationFn: (settings: BackupSettings) => api.saveBackupSettings(settings),
    onSuccess: (saved) => {
      queryClient.setQueryData(backupKeys.settings, saved);
      void refetch.backups();
    },
  });
}

/**
 * Adds a schedule; the schedule list is fetched again, and the backup list too (it also lists the
 * folders of every schedule's destinations).
 */
export function useAddSchedule() {
  const refetch = useRefetchBackups();
  return useMutation({
    mutationFn: (schedule: NewSchedule) => api.addSchedule(schedule),
    onSuccess: () => void Promise.all([refetch.schedules(), refetch.backups()]),
  });
}

/** Removes a schedule; the schedule and backup lists are fetched again (see `useAddSchedule`). */
export function useRemoveSchedule() {
  const refetch = useRefetchBackups();
  return useMutation({
    mutationFn: (name: string) => api.removeSchedule(name),
    onSuccess: () => void Promise.all([refetch.schedules(), refetch.backups()]),
  });
}
