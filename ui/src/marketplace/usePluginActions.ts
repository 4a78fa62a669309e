import { useDialog, useMessage } from 'naive-ui';
import { h, ref, shallowRef } from 'vue';
import { RouterLink } from 'vue-router';
import { api } from '../api/http';
import type { Flow, InstallOffer, Page } from '../api/types';
import { useCatalog } from '../stores/catalog';
import { useSession } from '../stores/session';
import { type InstallProblem, installProblem } from './installErrors';

const pluginPath = (name: string, version: string) =>
  `/api/plugins/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;

/**
 * Installing (with the approval step) and uninstalling (after the usage check). Each change
 * refreshes the installed plugins, so the editor's palette shows it at once; `changed` lets the
 * page reload what it shows.
 */
export function usePluginActions(changed: () => Promise<void> | void) {
  const catalog = useCatalog();
  const session = useSession();
  const dialog = useDialog();
  const message = useMessage();

  /** The server's first answer, shown for approval; null when no install is under way. */
  const offer = shallowRef<InstallOffer | null>(null);
  const upgradeFrom = ref<string | undefined>();
  /** Why the last step failed, for the page or the open approval dialog. */
  const problem = ref<InstallProblem | null>(null);
  const busy = ref(false);

  async function afterChange() {
    await Promise.all([catalog.load(true), changed()]);
  }

  /** Asks the server to check a version; its permissions then wait for approval. */
  async function requestInstall(name: string, version: string, from?: string) {
    busy.value = true;
    problem.value = null;
    try {
      const answer = await api.post<InstallOffer>('/api/plugins/install', { name, version });
      upgradeFrom.value = from;
      offer.value = answer;
    } catch (error) {
      problem.value = installProblem(error);
    } finally {
      busy.value = false;
    }
  }

  async function approve() {
    const pending = offer.value;
    if (!pending) return;
    busy.value = true;
    problem.value = null;
    try {
      await api.post<InstallOffer>('/api/plugins/install', {
        name: pending.name,
        version: pending.version,
        approve: pending.approve,
      });
      offer.value = null;
      message.success(`${pending.name} ${pending.version} installed: its nodes are in the palette.`);
      await afterChange();
    } catch (error) {
      problem.value = installProblem(error);
    } finally {
      busy.value = false;
    }
  }

  function cancel() {
    if (busy.value) return;
    offer.value = null;
    problem.value = null;
  }

  /** Flows whose draft uses this version; they show a problem once it is gone. */
  async function draftsUsing(name: string, version: string): Promise<string[]> {
    if (!session.can('flows:read')) return [];
    const flows = (await api.get<Page<Flow>>('/api/flows')).items;
    return flows
      .filter((f) => f.draft.nodes.some((n) => n.data.plugin === name && n.data.version === version))
      .map((f) => f.name);
  }

  async function uninstall(name: string, version: string) {
    problem.value = null;
    let deployed: { id: string; name: string; version: number }[];
    let drafts: string[];
    try {
      [{ flows: deployed }, drafts] = await Promise.all([
        api.get<{ flows: { id: string; name: string; version: number }[] }>(
          `${pluginPath(name, version)}/usage`,
        ),
        draftsUsing(name, version),
      ]);
    } catch (error) {
      problem.value = installProblem(error);
      return;
    }
    if (deployed.length) {
      dialog.error({
        title: `${name} ${version} is in use`,
        content: () =>
          h('div', { 'data-testid': 'plugin-in-use' }, [
            h('p', 'Deployed flows run this version:'),
            h(
              'ul',
              deployed.map((f) =>
                h('li', [
                  h(RouterLink, { to: { name: 'flow-editor', params: { id: f.id } } }, () => f.name),
                  ` (version ${f.version})`,
                ]),
              ),
            ),
            h('p', 'Deploy them without it first, then uninstall it.'),
          ]),
        positiveText: 'OK',
      });
      return;
    }
    dialog.warning({
      title: `Uninstall ${name} ${version}?`,
      content: () =>
        h('div', { 'data-testid': 'uninstall-confirm' }, [
          h('p', 'Its nodes leave the palette, and the package file is deleted from this server.'),
          drafts.length
            ? h(
                'p',
                `Drafts that use it will show a problem until they use another node: ${drafts.join(', ')}.`,
              )
            : null,
        ]),
      positiveText: 'Uninstall',
      negativeText: 'Cancel',
      onPositiveClick: async () => {
        try {
          await api.delete(pluginPath(name, version));
          message.success(`${name} ${version} uninstalled`);
          await afterChange();
        } catch (error) {
          problem.value = installProblem(error);
          message.error(problem.value.message);
        }
      },
    });
  }

  return { offer, upgradeFrom, problem, busy, requestInstall, approve, cancel, uninstall };
}

export type PluginActions = ReturnType<typeof usePluginActions>;
