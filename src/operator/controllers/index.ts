import type { Controller } from '../controller.ts';
import { type TopicControllerOptions, topicController } from './topic/index.ts';
import { type UserControllerOptions, userController } from './user/index.ts';

/**
 * The controllers `operator run` starts. The KafkaCluster controller (src/operator/controllers/cluster/) joins this
 * list when it lands.
 */
export interface ControllerOptions {
  topic?: TopicControllerOptions;
  user?: UserControllerOptions;
}

export function operatorControllers(options: ControllerOptions = {}): Controller[] {
  return [topicController(options.topic), userController(options.user)];
}
