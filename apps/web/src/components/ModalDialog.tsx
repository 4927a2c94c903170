import type { ReactNode } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import './choices.css';

/**
 * A modal dialog (react-aria: focus trapped, Escape closes, focus returns to the trigger). Put it after the
 * trigger button inside a `DialogTrigger`, or control it with `isOpen` / `onOpenChange`.
 */
export function ModalDialog({
  title,
  children,
  isOpen,
  onOpenChange,
  alert,
  isDismissable = true,
}: {
  title: ReactNode;
  children: ReactNode | ((close: () => void) => ReactNode);
  isOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** role="alertdialog", for confirmations of something that cannot be undone. */
  alert?: boolean;
  isDismissable?: boolean;
}) {
  return (
    <ModalOverlay isDismissable={isDismissable} isOpen={isOpen} onOpenChange={onOpenChange}>
      <Modal>
        <Dialog className="dialog" role={alert ? 'alertdialog' : 'dialog'}>
          {({ close }) => (
            <>
              <Heading slot="title" className="dialog-title">
                {title}
              </Heading>
              {typeof children === 'function' ? children(close) : children}
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
