import type { ReactNode } from 'react';
import { Label, Radio, RadioGroup, Text } from 'react-aria-components';
import './choices.css';

export interface Choice<T extends string> {
  value: T;
  label: ReactNode;
  description?: ReactNode;
  isDisabled?: boolean;
}

/**
 * One choice among a few (react-aria RadioGroup): arrow keys move, each option is a 44 px target.
 * `chips` lays the options out as a wrapping row of pills (filters); `list` as labelled radios.
 */
export function ChoiceGroup<T extends string>({
  label,
  value,
  onChange,
  options,
  description,
  error,
  layout = 'list',
  hideLabel,
  isDisabled,
  className,
}: {
  label: string;
  value: T | null;
  onChange(value: NoInfer<T>): void;
  options: readonly Choice<NoInfer<T>>[];
  description?: string;
  error?: string;
  layout?: 'list' | 'chips';
  hideLabel?: boolean;
  isDisabled?: boolean;
  className?: string;
}) {
  return (
    <RadioGroup
      className={`choice-group choice-${layout}${className ? ` ${className}` : ''}`}
      value={value}
      onChange={(v) => onChange(v as T)}
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      orientation={layout === 'chips' ? 'horizontal' : 'vertical'}
    >
      <Label className={hideLabel ? 'visually-hidden' : 'choice-label'}>{label}</Label>
      {description && (
        <Text slot="description" className="choice-description">
          {description}
        </Text>
      )}
      <div className="choice-options">
        {options.map((o) => (
          <Radio key={o.value} value={o.value} className="choice" isDisabled={o.isDisabled}>
            {layout === 'list' && <span className="choice-dot" aria-hidden="true" />}
            <span className="choice-text">
              <span className="choice-title">{o.label}</span>
              {o.description && <span className="choice-hint">{o.description}</span>}
            </span>
          </Radio>
        ))}
      </div>
      {error && (
        <Text slot="errorMessage" className="field-error">
          {error}
        </Text>
      )}
    </RadioGroup>
  );
}
