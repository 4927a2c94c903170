import { useId, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../../components/forms';
import { ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { ReportReason } from '../../gql/graphql';
import { fieldError, toUiError } from '../../lib/errors';
import { formatDate } from '../../lib/format';

const REVISIONS = graphql(`
  query PostRevisions($id: ID!) {
    post(id: $id) {
      id
      editedAt
      editedByModerator
      revisions(first: 50) {
        edges {
          node {
            id
            title
            body
            tags
            byModerator
            replacedAt
            editor {
              id
              displayName
            }
          }
        }
      }
    }
  }
`);

const REPORT = graphql(`
  mutation ContentReport($input: ReportContentInput!) {
    reportContent(input: $input) {
      report {
        id
        status
      }
    }
  }
`);

const REASONS: readonly ReportReason[] = ['SPAM', 'ABUSE', 'OFF_TOPIC', 'PERSONAL_DATA', 'OTHER'];

/** A react-aria modal dialog opened by a button. */
function ModalDialog({
  trigger,
  triggerLabel,
  title,
  children,
  triggerClass = 'btn btn-small',
  onClosed,
}: {
  trigger: ReactNode;
  triggerLabel?: string;
  title: string;
  children(close: () => void): ReactNode;
  triggerClass?: string;
  onClosed?(): void;
}) {
  return (
    <DialogTrigger onOpenChange={(open) => !open && onClosed?.()}>
      <Button className={triggerClass} aria-label={triggerLabel}>
        {trigger}
      </Button>
      <ModalOverlay isDismissable>
        <Modal>
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                {children(close)}
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function RevisionList({ postId }: { postId: string }) {
  const { t } = useTranslation('feed');
  const { data, loading, error, refetch } = useQuery(REVISIONS, {
    variables: { id: postId },
    fetchPolicy: 'network-only',
  });
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (loading || !data) return <Loading />;
  const revisions = [...data.post.revisions.edges].reverse();
  if (revisions.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <ol className="revision-list">
      {revisions.map(({ node }) => (
        <li key={node.id} className="revision">
          <p className="revision-meta">
            <time dateTime={node.replacedAt}>
              {t('history.replacedAt', { date: formatDate(node.replacedAt, 'long') })}
            </time>
            {node.editor && <> · {t('history.editedBy', { name: node.editor.displayName })}</>}
            {node.byModerator && <span className="chip moderator-chip">{t('post.editedByModerator')}</span>}
          </p>
          <h3 className="revision-title">{node.title}</h3>
          <pre className="revision-body">{node.body}</pre>
          {node.tags.length > 0 && <p className="muted">{node.tags.map((tag) => `#${tag}`).join(' ')}</p>}
        </li>
      ))}
    </ol>
  );
}

/** "Edit history": every earlier version, newest first, marked when a moderator made the change. */
export function HistoryDialog({ postId, byModerator }: { postId: string; byModerator: boolean }) {
  const { t } = useTranslation('feed');
  return (
    <ModalDialog trigger={t('history.open')} title={t('history.title')} triggerClass="btn btn-small btn-quiet">
      {(close) => (
        <>
          {byModerator && <p className="chip moderator-chip">{t('post.editedByModerator')}</p>}
          <RevisionList postId={postId} />
          <div className="btn-row dialog-actions">
            <Button className="btn" onPress={close}>
              {t('common:close')}
            </Button>
          </div>
        </>
      )}
    </ModalDialog>
  );
}

function ReportForm({
  target,
  close,
  onReported,
}: {
  target: { postId?: string; commentId?: string };
  close(): void;
  onReported(): void;
}) {
  const { t } = useTranslation('feed');
  const formId = useId();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [details, setDetails] = useState('');
  const [done, setDone] = useState(false);
  const [missing, setMissing] = useState(false);
  const [report, { loading, error }] = useMutation(REPORT);
  const ui = toUiError(error);
  if (done) {
    return (
      <>
        <p role="status">{t('report.thanks')}</p>
        <div className="btn-row dialog-actions">
          <Button className="btn btn-primary" onPress={close} autoFocus>
            {t('common:close')}
          </Button>
        </div>
      </>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason) {
          setMissing(true);
          return;
        }
        void report({ variables: { input: { ...target, reason, details: details.trim() || undefined } } }).then(
          () => {
            setDone(true);
            onReported();
          },
          () => undefined,
        );
      }}
    >
      <fieldset
        className="field report-reasons"
        aria-describedby={missing || fieldError(ui, 'reason') ? `${formId}-reason-error` : undefined}
      >
        <legend>{t('report.reason')}</legend>
        {REASONS.map((r) => (
          <label key={r} className="radio">
            <input
              type="radio"
              name={`${formId}-reason`}
              value={r}
              checked={reason === r}
              required
              onChange={() => {
                setReason(r);
                setMissing(false);
              }}
            />
            {t(`report.reasons.${r}`)}
          </label>
        ))}
        {(missing || fieldError(ui, 'reason')) && (
          <span id={`${formId}-reason-error`} className="field-error">
            {fieldError(ui, 'reason') ?? t('report.reasonRequired')}
          </span>
        )}
      </fieldset>
      <TextField
        label={t('report.details')}
        multiline
        rows={3}
        value={details}
        onChange={setDetails}
        maxLength={2000}
        error={fieldError(ui, 'details')}
      />
      <FormError
        message={
          ui && !Object.keys(ui.fieldErrors).length ? (ui.code === 'CONFLICT' ? t('report.already') : ui.message) : null
        }
      />
      <div className="btn-row dialog-actions">
        <Button type="submit" className="btn btn-primary" isDisabled={loading}>
          {t('report.submit')}
        </Button>
        <Button className="btn" onPress={close}>
          {t('common:cancel')}
        </Button>
      </div>
    </form>
  );
}

/**
 * Report a post or a comment to the space's moderators, with a reason. `onReported` runs once the dialog is
 * closed (the item's `viewerCan.report` turns false then; doing it earlier would unmount the open dialog).
 */
export function ReportDialog({
  target,
  label,
  onReported,
}: {
  target: { postId?: string; commentId?: string };
  label?: string;
  onReported?(): void;
}) {
  const { t } = useTranslation('feed');
  const reported = useRef(false);
  return (
    <ModalDialog
      trigger={t('report.open')}
      triggerLabel={label}
      title={target.commentId ? t('report.titleComment') : t('report.titlePost')}
      triggerClass="btn btn-small btn-quiet"
      onClosed={() => {
        if (reported.current) onReported?.();
      }}
    >
      {(close) => (
        <ReportForm
          target={target}
          close={close}
          onReported={() => {
            reported.current = true;
          }}
        />
      )}
    </ModalDialog>
  );
}

/** Asks before an action that cannot be undone (deleting a post). */
export function ConfirmDialog({
  trigger,
  title,
  text,
  confirm,
  onConfirm,
}: {
  trigger: string;
  title: string;
  text: string;
  confirm: string;
  onConfirm(): Promise<boolean>;
}) {
  const { t } = useTranslation('feed');
  const [busy, setBusy] = useState(false);
  return (
    <ModalDialog trigger={trigger} title={title} triggerClass="btn btn-small btn-danger">
      {(close) => (
        <>
          <p>{text}</p>
          <div className="btn-row dialog-actions">
            <Button
              className="btn btn-danger"
              isDisabled={busy}
              onPress={() => {
                setBusy(true);
                void onConfirm().then((ok) => {
                  setBusy(false);
                  if (ok) close();
                });
              }}
            >
              {confirm}
            </Button>
            <Button className="btn" onPress={close} autoFocus>
              {t('common:cancel')}
            </Button>
          </div>
        </>
      )}
    </ModalDialog>
  );
}
