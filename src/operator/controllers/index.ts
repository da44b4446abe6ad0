import type { Controller } from '../controller.ts';
import { kafkaClusterController } from './cluster/controller.ts';
import { type TopicControllerOptions, topicController } from './topic/index.ts';
import { type UserControllerOptions, userController } from './user/index.ts';

/** The controllers `operator run` starts: KafkaCluster, KafkaTopic, KafkaUser. */
export interface ControllerOptions {
  topic?: TopicControllerOptions;
  user?: UserControllerOptions;
}

export function operatorControllers(options: ControllerOptions = {}): Controller[] {
  return [kafkaClusterController, topicController(options.topic), userController(options.user)];
}
