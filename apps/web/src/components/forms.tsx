import { useState, type ReactNode } from 'react';
import {
  Button,
  Checkbox as AriaCheckbox,
  FieldError,
  Input,
  Label,
  Text,
  TextArea as AriaTextArea,
  TextField as AriaTextField,
  type TextFieldProps,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** Accessible form fields (react-aria-components): label, description, and the server's field error. */
export function TextField({
  label,
  description,
  error,
  multiline,
  rows,
  placeholder,
  ...props
}: TextFieldProps & {
  label: string;
  description?: string;
  error?: string;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
}) {
  return (
    <AriaTextField {...props} isInvalid={Boolean(error) || props.isInvalid} className="field">
      <Label>{label}</Label>
      {multiline ? <AriaTextArea rows={rows ?? 4} placeholder={placeholder} /> : <Input placeholder={placeholder} />}
      {description && <Text slot="description">{description}</Text>}
      <FieldError>{error}</FieldError>
    </AriaTextField>
  );
}

/** A password field with a show/hide toggle. */
export function PasswordField({
  label,
  error,
  autoComplete,
  ...props
}: TextFieldProps & { label: string; error?: string }) {
  const { t } = useTranslation();
  const [visible, setVisible] = useState(false);
  return (
    <AriaTextField
      {...props}
      type={visible ? 'text' : 'password'}
      autoComplete={autoComplete}
      isInvalid={Boolean(error)}
      className="field"
    >
      <Label>{label}</Label>
      <div className="password-row">
        <Input />
        <Button className="btn btn-quiet" onPress={() => setVisible((v) => !v)} aria-pressed={visible}>
          {visible ? t('password.hide') : t('password.show')}
        </Button>
      </div>
      <FieldError>{error}</FieldError>
    </AriaTextField>
  );
}

export function Checkbox({
  children,
  isSelected,
  onChange,
  name,
}: {
  children: ReactNode;
  isSelected: boolean;
  onChange(value: boolean): void;
  name?: string;
}) {
  return (
    <AriaCheckbox isSelected={isSelected} onChange={onChange} name={name} className="checkbox">
      <span className="checkbox-box" aria-hidden="true">
        {isSelected ? '✓' : ''}
      </span>
      <span>{children}</span>
    </AriaCheckbox>
  );
}

/** The form-level error line (a message that belongs to no single field). */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
