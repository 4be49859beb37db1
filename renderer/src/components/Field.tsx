// Labelled form fields for the dialogs. The label names the control (a wrapping <label>, or
// <label htmlFor> when a hint follows), and a hint is tied to its input by aria-describedby, so
// screen readers and the e2e tests find each field by its label.
import { type ChangeEvent, type InputHTMLAttributes, type ReactNode, useId } from 'react';

function fieldClass(className: string | undefined): string {
  return className ? `field ${className}` : 'field';
}

interface FieldProps {
  label: string;
  /** Added to `field`: `grow` or `port` inside a FieldRow. */
  className?: string;
  /** The control the label names: an <input> or a <select>. */
  children: ReactNode;
}

/** A control under its label. */
export function Field({ label, className, children }: FieldProps) {
  return (
    <label className={fieldClass(className)}>
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'value' | 'onChange' | 'aria-describedby'> & {
  label: string;
  /** Added to `field`: `grow` or `port` inside a FieldRow. */
  className?: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the input and read with it (aria-describedby). */
  hint?: string;
};

/** A text (or password, or number) input under its label, with an optional hint below. */
export function TextField({ label, className, value, onChange, hint, ...input }: TextFieldProps) {
  const id = useId();
  const change = (e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value);
  if (hint === undefined) {
    return (
      <Field label={label} className={className}>
        <input {...input} value={value} onChange={change} />
      </Field>
    );
  }
  const hintId = `${id}-hint`;
  return (
    <div className={fieldClass(className)}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input {...input} id={id} aria-describedby={hintId} value={value} onChange={change} />
      <span id={hintId} className="field-hint">
        {hint}
      </span>
    </div>
  );
}

/** Fields side by side (host and port). */
export function FieldRow({ children }: { children: ReactNode }) {
  return <div className="field-row">{children}</div>;
}
