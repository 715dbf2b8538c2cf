// Entry of the lazily loaded dialog chunk: the blocking recovery dialog in Twilio Paste. Paste is
// not among the globals Flex exposes to plugins, so bundling it into the main bundle would cost
// every page load tens of KB; it is fetched only when a recovery is under way.
import React from "react";
import { Theme } from "@twilio-paste/core/theme";
import { Modal, ModalBody, ModalFooter, ModalFooterActions } from "@twilio-paste/core/modal";
import { Heading } from "@twilio-paste/core/heading";
import { Paragraph } from "@twilio-paste/core/paragraph";
import { Spinner } from "@twilio-paste/core/spinner";
import { Callout, CalloutText } from "@twilio-paste/core/callout";
import { Button } from "@twilio-paste/core/button";
import { Stack } from "@twilio-paste/core/stack";
import type { RecoveryDialogProps } from "./RecoveryDialogProps";

const HEADING_ID = "flex-call-recovery-dialog-heading";

export function RecoveryDialog(props: RecoveryDialogProps): JSX.Element {
  const { texts, phase, canContinue, onContinue } = props;
  const busy = phase === "reconnecting" && !canContinue;
  return (
    <Theme.Provider theme="flex">
      {/* Dismissing (Esc, overlay click) only works once the agent may continue: the dialog blocks wrap-up. */}
      <Modal
        isOpen
        size="default"
        ariaLabelledby={HEADING_ID}
        onDismiss={() => (canContinue ? onContinue() : undefined)}
        data-testid="flex-call-recovery-dialog"
      >
        <ModalBody>
          <Stack orientation="vertical" spacing="space60">
            <Heading as="h2" variant="heading30" id={HEADING_ID} marginBottom="space0">
              <span data-testid="flex-call-recovery-message">{texts.message}</span>
            </Heading>
            {texts.status || busy ? (
              <Stack orientation="horizontal" spacing="space40">
                {busy ? <Spinner decorative={false} title={texts.title} size="sizeIcon40" /> : null}
                {texts.status ? (
                  <Paragraph marginBottom="space0">
                    <span data-testid="flex-call-recovery-status">{texts.status}</span>
                  </Paragraph>
                ) : null}
              </Stack>
            ) : null}
            {texts.problem ? (
              <Callout variant="warning">
                <CalloutText>
                  <span data-testid="flex-call-recovery-problem">{texts.problem}</span>
                </CalloutText>
              </Callout>
            ) : null}
          </Stack>
        </ModalBody>
        {canContinue ? (
          <ModalFooter>
            <ModalFooterActions>
              <Button variant="primary" onClick={onContinue} data-testid="flex-call-recovery-continue">
                {texts.continue}
              </Button>
            </ModalFooterActions>
          </ModalFooter>
        ) : null}
      </Modal>
    </Theme.Provider>
  );
}
