import type { UsbControlSetup } from '../../services/usb/webusb';
import type { ControlHandler } from '../usb/virtual-usb-device';
import type { DfuseStateMachine } from './dfuse-state-machine';

/** DFU requests are class requests to interface 0; anything else is stalled by the bootloader. */
export function dfuControlHandler(machine: DfuseStateMachine): ControlHandler {
  const isDfu = (setup: UsbControlSetup) => setup.requestType === 'class' && setup.recipient === 'interface' && (setup.index & 0xff) === 0;
  return {
    in: async (setup, length) => (isDfu(setup) ? machine.in(setup.request, setup.value, length) : 'stall'),
    out: async (setup, data) => (isDfu(setup) ? machine.out(setup.request, setup.value, data) : 'stall'),
    selectAlternate: (interfaceNumber, alternateSetting) => {
      if (interfaceNumber === 0) machine.alt = alternateSetting;
    },
  };
}
