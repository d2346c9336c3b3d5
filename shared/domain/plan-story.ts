import type { KeyHealth } from '../contract/keys';
import type { PlanFacts } from './plan';
import type { Assessment } from './plan-assess';
import { networkAdvice } from './plan-advice';

export interface Story {
  summary: string;
  cause: string;
  why: string;
}

function keyStory(health: KeyHealth | null): Story {
  const pk = health?.privateKey;
  const sk = health?.serverKey;
  if (pk && (pk.state === 'blank' || pk.state === 'corrupt' || pk.state === 'wrong-algorithm')) {
    return {
      summary: 'The device’s own key is missing or damaged, so the Particle Cloud rejects it.',
      cause: `The private key slot in the device’s configuration area is ${pk.state === 'blank' ? 'empty' : pk.state === 'corrupt' ? 'corrupt' : 'of the wrong kind for this device'}.`,
      why:
        'The key lives in the same small configuration area as the Wi-Fi credentials. A power dip while writing, an erase of that ' +
        'area or a flashing tool that rewrote it loses the key; the device then makes up a new one that the cloud has never seen.',
    };
  }
  if (pk?.matchesDevicePublicKey === false) {
    return {
      summary: 'The device’s key does not match the one the Particle Cloud expects: the cloud refuses the handshake.',
      cause: 'The private key in the device no longer matches its recorded public key, so the key was replaced at some point.',
      why:
        'When a device finds its key slot damaged it generates a new key by itself, but it cannot tell the cloud about it (only a ' +
        'logged-in computer can upload a public key). Until the new public key is uploaded the cloud keeps rejecting it (cyan with red or orange flashes).',
    };
  }
  if (sk && (sk.state === 'other' || sk.state === 'corrupt')) {
    const where = sk.state === 'other' ? ` It belongs to another server (${sk.address.host}:${sk.address.port}).` : '';
    return {
      summary: 'The device holds the wrong server key, so it cannot prove it is talking to the Particle Cloud.',
      cause: `The server key slot is ${sk.state === 'corrupt' ? 'corrupt' : 'not a Particle Cloud key'}.${where}`,
      why:
        'The server key is how the device recognises the cloud. A private-cloud setup, an old tool or a damaged configuration ' +
        'area leaves a key the Particle Cloud does not have, and every handshake fails.',
    };
  }
  return {
    summary: 'The device cannot complete the cloud handshake: its keys need repair.',
    cause: health?.problems[0] ?? 'The LED shows the cloud rejecting the device’s keys.',
    why: 'The device and the cloud each hold half of a key pair. When either half changes without the other, the handshake fails.',
  };
}

/** The one problem that matters most, in plain words: what is wrong, the likely cause, why it happens. */
export function tellStory(facts: PlanFacts, a: Assessment): Story {
  if (a.hardwareSuspected) {
    return {
      summary: 'The device shows no normal status light: its bootloader may be missing.',
      cause: 'Without a bootloader nothing runs, not even DFU mode, so no USB tool can reach it.',
      why: 'A failed bootloader update or flash damage erases it. Only a hardware debugger (Particle Debugger, Device Restore JTAG) can rewrite it.',
    };
  }
  if (a.systemBroken) {
    return {
      summary: 'Device OS on the device is missing or damaged.',
      cause: 'A Device OS module failed its own checks (integrity, address range, platform or dependencies).',
      why:
        'An interrupted update, a mismatched set of Device OS parts or an application built for a newer Device OS leaves the ' +
        'device unable to run. Reinstalling Device OS fixes it without touching keys or Wi-Fi settings.',
    };
  }
  if (a.systemOutdated) {
    return {
      summary: `Device OS ${facts.deviceOsVersion} is too old for a rescue over USB.`,
      cause: 'On the Photon and P1 the bootloader reaches the key store through Device OS, which can do so from 0.7.0 on; older versions also lack the USB requests for mode changes.',
      why: 'Devices that have been on a shelf for years still run the Device OS they shipped with. Updating Device OS first makes the keys checkable and the device switchable without buttons.',
    };
  }
  if (a.needsKeyRepair || a.keys === 'broken') {
    const story = keyStory(facts.keyHealth);
    return a.protected ? { ...story, summary: `${story.summary} Device Protection stops the repair until it is unlocked.` } : story;
  }
  if (a.needsNetworkSetup) {
    const cellular = a.network === 'cellular';
    return {
      summary: cellular
        ? 'The device is in listening mode (blinking dark blue): it cannot get onto the cellular network.'
        : 'The device is in listening mode (blinking dark blue): it has no Wi-Fi network to join.',
      cause: cellular ? 'The SIM card is missing, loose, inactive or not usable in this region.' : 'No Wi-Fi credentials are stored on the device.',
      why: cellular
        ? networkAdvice(a)
        : 'Wi-Fi credentials are cleared by holding MODE/SETUP for ten seconds, by a network reset, or when the configuration area ' +
          'is erased or damaged (the same area that holds the keys). ' + networkAdvice(a),
    };
  }
  if (a.userBroken) {
    return {
      summary: 'The device does not run its application.',
      cause: facts.userFirmwareValid === false ? 'The application is missing or invalid.' : 'The application crashes or needs parts of Device OS the device does not have (safe mode).',
      why:
        'A bug in the application (a crash shows as a red SOS), an interrupted flash, or an application built for a newer Device OS ' +
        'stops it. A known-good application such as Tinker brings the device back so you can fix yours.',
    };
  }
  if (a.connected) {
    return {
      summary: 'The device is healthy and connected to the Particle Cloud.',
      cause: 'Nothing is wrong: keys, firmware and the cloud connection all check out.',
      why: 'A device that breathes cyan has completed the cloud handshake, which proves its keys and server key are right.',
    };
  }
  if (a.led && facts.cloudStatus === 'unknown') {
    return { summary: `${a.led.title}: ${a.led.meaning}`, cause: a.led.causes[0] ?? a.led.meaning, why: `${a.led.causes.slice(1).join(' ')} ${a.led.remedy}`.trim() };
  }
  return {
    summary: 'The device is not connected to the Particle Cloud, and no fault was found on the device.',
    cause: 'Most likely the network: the Wi-Fi or cellular connection, a firewall, or the cloud is not reachable from here.',
    why:
      'Devices retry with growing pauses (up to two minutes between attempts), so a slow connection can look stuck. Check that ' +
      'outgoing UDP 5684 (TCP 5683 for Photon and P1) is allowed, and try a phone hotspot to tell the network from the device.',
  };
}
