import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
} from 'react';
import { useMutation } from '@apollo/client/react';
import MarkdownIt from 'markdown-it';
import { Button, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../forms';
import { graphql } from '../../gql';
import type { PostKind } from '../../gql/graphql';
import { fieldError, toUiError, type UiError } from '../../lib/errors';
import { useSubmissionKey } from '../../lib/idempotency';
import { freshAccessToken, refreshAccessToken } from '../../lib/session';
import { MentionTextarea, mentionIds } from './MentionTextarea';
import type { ComposerSpace } from './types';
import './composer.css';

const CREATE_POST = graphql(`
  mutation ComposerCreatePost($input: CreatePostInput!) {
    createPost(input: $input) {
      post {
        id
        spaceId
      }
    }
  }
`);

/** The preview renders exactly as the server does (markdown-it, no raw HTML, autolinks, line breaks). */
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });
// Table alignment comes out as style attributes, which the CSP refuses and the server's sanitizer drops.
for (const rule of ['th_open', 'td_open'] as const) {
  markdown.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
    tokens[idx]!.attrs = tokens[idx]!.attrs?.filter(([name]) => name !== 'style') ?? null;
    return self.renderToken(tokens, idx, options);
  };
}

const MAX_IMAGES = 10;
const MAX_TAGS = 10;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u;
const KINDS: readonly PostKind[] = ['DISCUSSION', 'QUESTION', 'IDEA', 'ANNOUNCEMENT'];

interface Attachment {
  key: string;
  file: File;
  preview: string;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  id?: string;
  error?: string;
  xhr?: XMLHttpRequest;
}

interface UploadAnswer {
  id?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
}

let keys = 0;

/**
 * Writing a post: space (from the home feed), kind, title, Markdown body with preview and @mentions, tags,
 * and images (picker, camera, drag-and-drop, paste) uploaded one by one to `POST /uploads` with a progress bar.
 * Loaded lazily: none of this weighs on the feed's first paint.
 */
export default function Composer({
  spaces,
  spaceId: fixedSpaceId,
  onCreated,
  onCancel,
}: {
  spaces: ComposerSpace[];
  spaceId?: string;
  onCreated(postId: string): void;
  onCancel(): void;
}) {
  const { t } = useTranslation('feed');
  const headingId = useId();
  const postable = useMemo(() => spaces.filter((s) => s.canPost), [spaces]);
  const [spaceId, setSpaceId] = useState(fixedSpaceId ?? postable[0]?.id ?? '');
  const space = postable.find((s) => s.id === spaceId);
  const kinds = KINDS.filter((k) => (k === 'ANNOUNCEMENT' ? space?.canAnnounce : space?.canPost));
  const [kind, setKind] = useState<PostKind>('DISCUSSION');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [mentions, setMentions] = useState<Map<string, string>>(new Map());
  const [tags, setTags] = useState<string[]>([]);
  const [tagDraft, setTagDraft] = useState('');
  const [tagError, setTagError] = useState<string | null>(null);
  const [images, setImages] = useState<Attachment[]>([]);
  const [imageNote, setImageNote] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [createPost, { loading }] = useMutation(CREATE_POST);
  const submission = useSubmissionKey();
  const [serverError, setServerError] = useState<UiError | null>(null);
  const imagesRef = useRef(images);
  imagesRef.current = images;

  useEffect(() => {
    if (!kinds.includes(kind)) setKind('DISCUSSION');
  }, [kinds, kind]);

  // Local previews and running uploads end with the composer.
  useEffect(
    () => () => {
      for (const img of imagesRef.current) {
        img.xhr?.abort();
        URL.revokeObjectURL(img.preview);
      }
    },
    [],
  );

  const patch = (key: string, change: Partial<Attachment>) =>
    setImages((list) => list.map((img) => (img.key === key ? { ...img, ...change } : img)));

  const upload = async (item: Attachment, retried = false): Promise<void> => {
    const token = await freshAccessToken();
    const xhr = new XMLHttpRequest();
    patch(item.key, { xhr, status: 'uploading', progress: 0, error: undefined });
    xhr.open('POST', '/uploads');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) patch(item.key, { progress: Math.min(99, Math.round((e.loaded / e.total) * 100)) });
    };
    xhr.onload = () => {
      const answer = (xhr.response ?? {}) as UploadAnswer;
      if (xhr.status >= 200 && xhr.status < 300 && answer.id) {
        patch(item.key, { status: 'done', progress: 100, id: answer.id, xhr: undefined });
      } else if (xhr.status === 401 && !retried) {
        void refreshAccessToken().then(() => upload(item, true));
      } else {
        patch(item.key, {
          status: 'error',
          xhr: undefined,
          error:
            answer.fieldErrors?.file?.[0] ??
            (xhr.status === 429 ? t('common:errors.rateLimited', { seconds: 60 }) : t('composer.images.failed')),
        });
      }
    };
    xhr.onerror = () => patch(item.key, { status: 'error', xhr: undefined, error: t('common:errors.network') });
    const form = new FormData();
    // A pasted image has no name; without one the part would be read as a plain field, not a file.
    form.append('file', item.file, item.file.name || `pasted.${item.file.type.split('/')[1] || 'png'}`);
    xhr.send(form);
  };

  const addFiles = (files: Iterable<File>) => {
    const accepted = [...files].filter((f) => f.type.startsWith('image/'));
    if (accepted.length === 0) return;
    const room = MAX_IMAGES - imagesRef.current.length;
    setImageNote(accepted.length > room ? t('composer.images.tooMany', { max: MAX_IMAGES }) : null);
    const added: Attachment[] = accepted.slice(0, Math.max(0, room)).map((file) => ({
      key: `img-${++keys}`,
      file,
      preview: URL.createObjectURL(file),
      progress: 0,
      status: 'uploading',
    }));
    setImages((list) => [...list, ...added]);
    for (const item of added) void upload(item);
  };

  const removeImage = (key: string) => {
    const img = images.find((i) => i.key === key);
    img?.xhr?.abort();
    if (img) URL.revokeObjectURL(img.preview);
    setImages((list) => list.filter((i) => i.key !== key));
  };

  const addTag = (raw: string): boolean => {
    const tag = raw.trim().replace(/^#+/, '');
    if (!tag) return true;
    if (!TAG.test(tag) || tag.length > 40) {
      setTagError(t('composer.tags.invalid'));
      return false;
    }
    if (tags.length >= MAX_TAGS) {
      setTagError(t('composer.tags.tooMany', { max: MAX_TAGS }));
      return false;
    }
    setTagError(null);
    if (!tags.some((x) => x.toLowerCase() === tag.toLowerCase())) setTags((list) => [...list, tag]);
    return true;
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setLocalError(null);
    setServerError(null);
    // Tags typed but not yet added go with the post.
    let allTags = tags;
    if (tagDraft.trim()) {
      const parts = tagDraft.split(/[\s,]+/).filter(Boolean);
      for (const part of parts) if (!addTag(part)) return;
      allTags = [...tags, ...parts.map((p) => p.replace(/^#+/, ''))].filter(
        (x, i, a) => a.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i,
      );
      setTagDraft('');
    }
    if (images.some((i) => i.status === 'uploading')) {
      setLocalError(t('composer.images.wait'));
      return;
    }
    if (!spaceId) {
      setLocalError(t('composer.spaceRequired'));
      return;
    }
    const imageIds = images.filter((i) => i.status === 'done' && i.id).map((i) => i.id!);
    const variables = {
      input: { spaceId, kind, title, body, tags: allTags, imageIds, mentions: mentionIds(body, mentions) },
    };
    // A double click or a retry of this submission creates one post.
    const result = await createPost({ variables, context: submission.context(variables) }).catch((err: unknown) => {
      setServerError(toUiError(err));
      return null;
    });
    const post = result?.data?.createPost.post;
    if (post) {
      submission.succeeded();
      onCreated(post.id);
    }
  };

  const ui = serverError;
  const known = ['title', 'body', 'tags', 'imageIds', 'spaceId', 'kind', 'mentions'];
  const otherFieldErrors = ui
    ? Object.entries(ui.fieldErrors).filter(([k]) => !known.some((f) => k === f || k.startsWith(`${f}.`)))
    : [];
  const tagsServerError = ui
    ? Object.entries(ui.fieldErrors).find(([k]) => k === 'tags' || k.startsWith('tags.'))?.[1][0]
    : undefined;
  const formMessage =
    localError ??
    (ui && Object.keys(ui.fieldErrors).length === 0
      ? ui.code === 'FORBIDDEN'
        ? t('common:errors.forbidden')
        : ui.code === 'RATE_LIMITED'
          ? t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 })
          : ui.code === 'NETWORK_ERROR'
            ? t('common:errors.network')
            : ui.code === 'SERVICE_UNAVAILABLE'
              ? t('common:errors.unavailable')
              : ui.message
      : otherFieldErrors.length
        ? otherFieldErrors.map(([k, v]) => `${k}: ${v.join(', ')}`).join(' · ')
        : null);

  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    addFiles(e.target.files ?? []);
    e.target.value = '';
  };
  const onDrop = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    addFiles(e.dataTransfer.files);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    e.preventDefault();
    addFiles(files);
  };

  const preview = useMemo(() => (tab === 'preview' ? markdown.render(body) : ''), [tab, body]);

  return (
    <form
      className={`card composer${dragging ? ' is-dragging' : ''}`}
      aria-labelledby={headingId}
      onSubmit={(e) => void submit(e)}
      noValidate
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
      onPaste={onPaste}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented && !title && !body && images.length === 0) onCancel();
      }}
    >
      <h2 id={headingId}>{t('composer.title')}</h2>

      {!fixedSpaceId && (
        <div className="field" data-invalid={fieldError(ui, 'spaceId') ? true : undefined}>
          <label htmlFor={`${headingId}-space`}>{t('composer.space')}</label>
          <select id={`${headingId}-space`} value={spaceId} onChange={(e) => setSpaceId(e.target.value)}>
            {postable.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {fieldError(ui, 'spaceId') && <span className="field-error">{fieldError(ui, 'spaceId')}</span>}
        </div>
      )}

      <fieldset className="field kind-group" aria-invalid={fieldError(ui, 'kind') ? true : undefined}>
        <legend>{t('composer.kind')}</legend>
        <div className="kind-options">
          {kinds.map((k) => (
            <label key={k} className={`kind-option${k === kind ? ' is-selected' : ''}`}>
              <input
                type="radio"
                name={`${headingId}-kind`}
                value={k}
                checked={k === kind}
                onChange={() => setKind(k)}
              />
              {t(`kind.${k}`)}
            </label>
          ))}
        </div>
        {fieldError(ui, 'kind') && <span className="field-error">{fieldError(ui, 'kind')}</span>}
      </fieldset>

      <TextField
        label={t('composer.titleField')}
        value={title}
        onChange={setTitle}
        isRequired
        maxLength={200}
        autoFocus
        error={fieldError(ui, 'title')}
      />

      <Tabs
        selectedKey={tab}
        onSelectionChange={(k) => setTab(k as 'write' | 'preview')}
        className="tabs composer-tabs"
      >
        <TabList aria-label={t('composer.bodyTabs')}>
          <Tab id="write">{t('composer.write')}</Tab>
          <Tab id="preview">{t('composer.preview')}</Tab>
        </TabList>
        <TabPanel id="write">
          <MentionTextarea
            label={t('composer.body')}
            description={t('composer.bodyHint')}
            value={body}
            onChange={setBody}
            spaceId={spaceId}
            mentions={mentions}
            onMention={(id, name) => setMentions((m) => new Map(m).set(id, name))}
            error={fieldError(ui, 'body') ?? fieldError(ui, 'mentions')}
            onSubmitShortcut={() => void submit()}
          />
        </TabPanel>
        <TabPanel id="preview" className="composer-preview">
          {body.trim() ? (
            <div className="markdown" dangerouslySetInnerHTML={{ __html: preview }} />
          ) : (
            <p className="muted">{t('composer.previewEmpty')}</p>
          )}
        </TabPanel>
      </Tabs>

      <div className="field tags-field" data-invalid={tagError || tagsServerError ? true : undefined}>
        <label htmlFor={`${headingId}-tags`}>{t('composer.tags.label')}</label>
        {tags.length > 0 && (
          <ul className="tag-list" aria-label={t('composer.tags.added')}>
            {tags.map((tag) => (
              <li key={tag} className="chip tag-chip-edit">
                #{tag}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={t('composer.tags.remove', { tag })}
                  onClick={() => setTags((l) => l.filter((x) => x !== tag))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={`${headingId}-tags`}
          value={tagDraft}
          aria-describedby={`${headingId}-tags-hint`}
          aria-invalid={tagError || tagsServerError ? true : undefined}
          onChange={(e) => {
            const v = e.target.value;
            setTagError(null);
            if (/[,\s]$/.test(v)) {
              if (addTag(v.slice(0, -1))) setTagDraft('');
              else setTagDraft(v.slice(0, -1));
            } else setTagDraft(v);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (addTag(tagDraft)) setTagDraft('');
            } else if (e.key === 'Backspace' && !tagDraft && tags.length) {
              setTags((l) => l.slice(0, -1));
            }
          }}
          autoComplete="off"
        />
        <span id={`${headingId}-tags-hint`} className="field-hint">
          {t('composer.tags.hint')}
        </span>
        {(tagError || tagsServerError) && <span className="field-error">{tagError ?? tagsServerError}</span>}
      </div>

      <fieldset className="field images-field">
        <legend>{t('composer.images.label')}</legend>
        <div className="btn-row">
          <label className="btn file-btn">
            <input type="file" accept="image/*" multiple className="visually-hidden" onChange={onPick} />
            {t('composer.images.pick')}
          </label>
          <label className="btn file-btn">
            <input type="file" accept="image/*" capture="environment" className="visually-hidden" onChange={onPick} />
            {t('composer.images.camera')}
          </label>
        </div>
        <p className="field-hint">{t('composer.images.hint', { max: MAX_IMAGES })}</p>
        {imageNote && <p className="field-error">{imageNote}</p>}
        {fieldError(ui, 'imageIds') && <p className="field-error">{fieldError(ui, 'imageIds')}</p>}
        {images.length > 0 && (
          <ul className="upload-list">
            {images.map((img) => (
              <li key={img.key} className={`upload-item is-${img.status}`}>
                <img src={img.preview} alt="" className="upload-thumb" />
                <div className="upload-info">
                  <span className="upload-name">{img.file.name || t('composer.images.pasted')}</span>
                  <div
                    role="progressbar"
                    aria-label={t('composer.images.progress', { name: img.file.name || t('composer.images.pasted') })}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={img.progress}
                    aria-valuetext={
                      img.status === 'done'
                        ? t('composer.images.done')
                        : img.status === 'error'
                          ? t('composer.images.failedShort')
                          : `${img.progress} %`
                    }
                    className="upload-progress"
                  >
                    <progress max={100} value={img.progress} aria-hidden="true" />
                  </div>
                  {img.status === 'error' && (
                    <span className="field-error" role="alert">
                      {img.error}
                    </span>
                  )}
                </div>
                <div className="upload-actions">
                  {img.status === 'error' && (
                    <button type="button" className="btn btn-small" onClick={() => void upload(img)}>
                      {t('common:retry')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-small btn-quiet"
                    aria-label={t('composer.images.remove', { name: img.file.name || t('composer.images.pasted') })}
                    onClick={() => removeImage(img.key)}
                  >
                    ×
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
        <p className="drop-hint muted" aria-hidden="true">
          {t('composer.images.drop')}
        </p>
      </fieldset>

      <FormError message={formMessage} />
      <div className="btn-row composer-actions">
        <Button type="submit" className="btn btn-primary" isDisabled={loading}>
          {t('composer.submit')}
        </Button>
        <Button className="btn btn-quiet" onPress={onCancel}>
          {t('common:cancel')}
        </Button>
      </div>
    </form>
  );
}
