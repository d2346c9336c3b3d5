import { create } from 'zustand';
import type { Diagnosis, PlanStep, VerifyResult, WizardStepId } from '../../../shared/contract/diagnosis';
import type { Progress } from '../../../shared/domain';
import type { FirmwareFile } from './FirmwarePicker';
import { getApi } from '../api';
import { followOperation as follow, useOperations, type OperationRun as Task } from '../app/operations';

/**
 * The rescue wizard as a state machine that outlives the view, so the user can peek at the logs
 * mid-rescue and come back: diagnose → plan → rescue (the planned steps in one go) → verify.
 */
export type WizardStage = 'diagnose' | 'plan' | 'rescue' | 'verify';
export type { Task };

interface WizardState {
  deviceId: string | null;
  ledPatternId: string | null;
  stage: WizardStage;
  diagnosis: Task<Diagnosis>;
  rescue: Task<{ reportId: string }>;
  /** Last progress seen for each wizard step of the running rescue. */
  stepProgress: Partial<Record<WizardStepId, Progress>>;
  /** The step the rescue is in: sub-operations report progress without naming the step. */
  activeStep: WizardStepId | null;
  /** Files for the reflash steps, chosen on the plan screen. */
  firmware: { os?: FirmwareFile[]; user?: FirmwareFile[] };
  verify: Task<VerifyResult>;
  setFirmware(kind: 'os' | 'user', files: FirmwareFile[]): void;
  selectDevice(deviceId: string | null): void;
  setLed(patternId: string | null): void;
  runDiagnosis(): Promise<void>;
  startRescue(): Promise<void>;
  runVerify(): Promise<void>;
  backTo(stage: WizardStage): void;
}

const IDLE = { status: 'idle' } as const;

/**
 * The steps rescue.start receives: those the plan marks to run, in plan order, except the diagnosis
 * the wizard has just run (running it again would only repeat it in the report).
 */
export function stepsToRun(plan: PlanStep[]): WizardStepId[] {
  return plan.filter((s) => s.action === 'run' && s.step !== 'diagnose').map((s) => s.step);
}

export const useWizard = create<WizardState>((set, get) => ({
  deviceId: null,
  ledPatternId: null,
  stage: 'diagnose',
  diagnosis: IDLE,
  rescue: IDLE,
  stepProgress: {},
  activeStep: null,
  firmware: {},
  verify: IDLE,

  setFirmware(kind, files) {
    set({ firmware: { ...get().firmware, [kind]: files.length > 0 ? files : undefined } });
  },

  selectDevice(deviceId) {
    if (deviceId === get().deviceId) return;
    set({ deviceId, stage: 'diagnose', diagnosis: IDLE, rescue: IDLE, verify: IDLE, stepProgress: {}, activeStep: null, firmware: {} });
  },

  setLed(ledPatternId) {
    set({ ledPatternId });
  },

  async runDiagnosis() {
    const { deviceId, ledPatternId } = get();
    if (!deviceId) return;
    set({ diagnosis: { status: 'running', operationId: null }, rescue: IDLE, verify: IDLE, stepProgress: {} });
    const task = await follow<Diagnosis>(
      () => getApi().call('diagnosis.run', { deviceId, ...(ledPatternId ? { ledPatternId } : {}) }),
      (operationId) => set({ diagnosis: { status: 'running', operationId } }),
    );
    set({ diagnosis: task, stage: task.status === 'succeeded' ? 'plan' : 'diagnose' });
  },

  async startRescue() {
    const { deviceId, diagnosis, firmware } = get();
    if (!deviceId || diagnosis.status !== 'succeeded') return;
    const steps = stepsToRun(diagnosis.result.plan);
    if (steps.length === 0) return;
    set({ stage: 'rescue', rescue: { status: 'running', operationId: null }, stepProgress: {}, activeStep: null, verify: IDLE });
    const withFirmware = firmware.os || firmware.user ? { firmware } : {};
    let unsubscribe = () => {};
    const task = await follow<{ reportId: string }>(
      () => getApi().call('rescue.start', { deviceId, steps, ...withFirmware }),
      (operationId) => {
        set({ rescue: { status: 'running', operationId } });
        unsubscribe = useOperations.subscribe((s) => {
          const p = s.progress[operationId];
          const step = p?.step as WizardStepId | undefined;
          if (p && step && get().stepProgress[step] !== p) set({ stepProgress: { ...get().stepProgress, [step]: p }, activeStep: step });
        });
      },
    );
    unsubscribe();
    set({ rescue: task });
    if (task.status === 'succeeded') await get().runVerify();
  },

  async runVerify() {
    const { deviceId } = get();
    if (!deviceId) return;
    set({ stage: 'verify', verify: { status: 'running', operationId: null } });
    const task = await follow<VerifyResult>(
      () => getApi().call('diagnosis.verify', { deviceId }),
      (operationId) => set({ verify: { status: 'running', operationId } }),
    );
    set({ verify: task });
  },

  backTo(stage) {
    set({ stage });
  },
}));
