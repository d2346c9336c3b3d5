import { create } from 'zustand';
import type { Diagnosis, PlanStep, RescueStepOutcome, VerifyResult, WizardStepId } from '../../../shared/contract/diagnosis';
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
  /** What each step of the rescue really did, latest attempt per step (from the result or the error). */
  outcomes: Partial<Record<WizardStepId, RescueStepOutcome>>;
  /** Steps the user chose to skip after they failed or were left to them. */
  skipped: WizardStepId[];
  /** Last progress seen for each wizard step of the running rescue. */
  stepProgress: Partial<Record<WizardStepId, Progress>>;
  /** The step the rescue is in: sub-operations report progress without naming the step. */
  activeStep: WizardStepId | null;
  /** Files for the reflash steps, chosen on the plan screen. */
  firmware: { os?: FirmwareFile[]; user?: FirmwareFile[] };
  verify: Task<VerifyResult>;
  setFirmware(kind: 'os' | 'user', files: FirmwareFile[]): void;
  /** Choosing a device (again) starts a fresh wizard for it. */
  selectDevice(deviceId: string | null): void;
  startOver(): void;
  setLed(patternId: string | null): void;
  runDiagnosis(): Promise<void>;
  startRescue(steps?: WizardStepId[]): Promise<void>;
  retryStep(step: WizardStepId): Promise<void>;
  skipStep(step: WizardStepId): Promise<void>;
  runVerify(): Promise<void>;
  /** Stops the running diagnosis, rescue or verify at its next safe point. */
  cancelRunning(): void;
  backTo(stage: WizardStage): void;
}

const IDLE = { status: 'idle' } as const;
type Fresh = Pick<WizardState, 'stage' | 'diagnosis' | 'rescue' | 'verify' | 'outcomes' | 'skipped' | 'stepProgress' | 'activeStep' | 'firmware'>;
const fresh = (): Fresh => ({ stage: 'diagnose', diagnosis: IDLE, rescue: IDLE, verify: IDLE, outcomes: {}, skipped: [], stepProgress: {}, activeStep: null, firmware: {} });

/**
 * The steps rescue.start receives: those the plan marks to run, in plan order, except the diagnosis
 * the wizard has just run (running it again would only repeat it in the report) and the verify,
 * which the Verify screen runs itself once the writing steps succeeded.
 */
export function stepsToRun(plan: PlanStep[]): WizardStepId[] {
  return plan.filter((s) => s.action === 'run' && s.step !== 'diagnose' && s.step !== 'verify').map((s) => s.step);
}

/** A step whose outcome lets the rescue go on to Verify: it worked, or there was nothing to do. */
export function stepOk(outcome: RescueStepOutcome | undefined): boolean {
  return outcome?.status === 'succeeded' || outcome?.status === 'skipped';
}

/** Verify comes only when every planned writing step succeeded (or had nothing to do). */
export function readyToVerify(plan: PlanStep[], outcomes: Partial<Record<WizardStepId, RescueStepOutcome>>): boolean {
  return stepsToRun(plan).every((step) => stepOk(outcomes[step]));
}

/** The first step that stopped the rescue or was left to the user, in plan order. */
export function firstUnfinished(plan: PlanStep[], outcomes: Partial<Record<WizardStepId, RescueStepOutcome>>, skipped: WizardStepId[] = []): RescueStepOutcome | null {
  for (const step of stepsToRun(plan)) {
    const o = outcomes[step];
    if (o && !stepOk(o) && !skipped.includes(step)) return o;
  }
  return null;
}

/**
 * Skipping a failed step is safe only when no later step stands on it: a half-written Device OS
 * must not get keys written over it, and DFU mode is needed by what follows.
 */
export function canSkip(step: WizardStepId, outcome: RescueStepOutcome): boolean {
  if (outcome.status === 'needs-you') return true;
  return step === 'reflash-user' || step === 'wifi' || step === 'repair-keys';
}

export function isRunning(s: Pick<WizardState, 'diagnosis' | 'rescue' | 'verify'>): boolean {
  return s.diagnosis.status === 'running' || s.rescue.status === 'running' || s.verify.status === 'running';
}

function outcomesFrom(task: Task<{ reportId: string; steps?: RescueStepOutcome[] }>): RescueStepOutcome[] {
  if (task.status === 'succeeded') return task.result.steps ?? [];
  if (task.status === 'failed') {
    const steps = task.problem.details?.steps;
    return Array.isArray(steps) ? (steps as RescueStepOutcome[]) : [];
  }
  return [];
}

export const useWizard = create<WizardState>((set, get) => ({
  deviceId: null,
  ledPatternId: null,
  ...fresh(),

  setFirmware(kind, files) {
    set({ firmware: { ...get().firmware, [kind]: files.length > 0 ? files : undefined } });
  },

  selectDevice(deviceId) {
    // Choosing the device whose rescue is running only comes back to it; a finished one starts afresh.
    if (deviceId === get().deviceId && isRunning(get())) return;
    set({ deviceId, ...fresh() });
  },

  startOver() {
    get().cancelRunning();
    set({ ...fresh(), ledPatternId: null });
  },

  setLed(ledPatternId) {
    set({ ledPatternId });
  },

  async runDiagnosis() {
    const { deviceId, ledPatternId } = get();
    if (!deviceId) return;
    set({ diagnosis: { status: 'running', operationId: null }, rescue: IDLE, verify: IDLE, stepProgress: {}, outcomes: {}, skipped: [] });
    const task = await follow<Diagnosis>(
      () => getApi().call('diagnosis.run', { deviceId, ...(ledPatternId ? { ledPatternId } : {}) }),
      (operationId) => set({ diagnosis: { status: 'running', operationId } }),
    );
    if (get().deviceId !== deviceId) return;
    set({ diagnosis: task, stage: task.status === 'succeeded' ? 'plan' : 'diagnose' });
  },

  async startRescue(only) {
    const { deviceId, diagnosis, firmware } = get();
    if (!deviceId || diagnosis.status !== 'succeeded') return;
    const steps = only ?? stepsToRun(diagnosis.result.plan);
    if (steps.length === 0) return;
    const kept = only ? get().outcomes : {};
    set({ stage: 'rescue', rescue: { status: 'running', operationId: null }, stepProgress: {}, activeStep: null, verify: IDLE, outcomes: kept, ...(only ? {} : { skipped: [] }) });
    const withFirmware = firmware.os || firmware.user ? { firmware } : {};
    let unsubscribe = () => {};
    const task = await follow<{ reportId: string; steps?: RescueStepOutcome[] }>(
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
    if (get().deviceId !== deviceId) return;
    const outcomes = { ...kept };
    for (const o of outcomesFrom(task)) outcomes[o.step] = o;
    set({ rescue: task, outcomes, activeStep: null });
    const plan = diagnosis.result.plan;
    const verifyPlanned = plan.some((s) => s.step === 'verify' && s.action === 'run');
    if (task.status === 'succeeded' && verifyPlanned && readyToVerify(plan, outcomes)) await get().runVerify();
  },

  async retryStep(step) {
    const { diagnosis } = get();
    if (diagnosis.status !== 'succeeded') return;
    const steps = stepsToRun(diagnosis.result.plan);
    await get().startRescue(steps.slice(steps.indexOf(step)));
  },

  async skipStep(step) {
    const { diagnosis, outcomes } = get();
    if (diagnosis.status !== 'succeeded') return;
    const outcome = outcomes[step];
    if (outcome?.status === 'needs-you') {
      // The user did it outside the app: not measured here, so it stays "skipped"; Verify measures the result.
      set({ outcomes: { ...outcomes, [step]: { step, status: 'skipped', message: 'You did this step yourself, outside the app.' } } });
    } else {
      set({ skipped: [...get().skipped, step] });
    }
    const steps = stepsToRun(diagnosis.result.plan);
    // Steps after it that have not run yet (a stop leaves them not run).
    const rest = steps.slice(steps.indexOf(step) + 1).filter((s) => !stepOk(outcomes[s]) && outcomes[s]?.status !== 'needs-you');
    if (rest.length > 0) await get().startRescue(rest);
    else set({ rescue: { ...get().rescue } });
  },

  async runVerify() {
    const { deviceId } = get();
    if (!deviceId) return;
    set({ stage: 'verify', verify: { status: 'running', operationId: null } });
    const task = await follow<VerifyResult>(
      () => getApi().call('diagnosis.verify', { deviceId }),
      (operationId) => set({ verify: { status: 'running', operationId } }),
    );
    if (get().deviceId !== deviceId) return;
    set({ verify: task });
  },

  cancelRunning() {
    const { diagnosis, rescue, verify } = get();
    for (const task of [diagnosis, rescue, verify]) {
      if (task.status === 'running' && task.operationId) getApi().call('operations.cancel', { operationId: task.operationId }).catch(() => undefined);
    }
  },

  backTo(stage) {
    set({ stage });
  },
}));
