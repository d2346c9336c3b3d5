import { FocusHeading } from '../components/FocusHeading';
import { CloudSettings } from './CloudSettings';
import { ThemeSetting } from './ThemeSetting';

export function SettingsView() {
  return (
    <div className="view" data-testid="settings-view">
      <FocusHeading testId="view-heading">Settings</FocusHeading>
      <CloudSettings />
      <ThemeSetting />
    </div>
  );
}
